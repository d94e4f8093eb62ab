import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../config/index.ts';
import { formatUsd } from '../cost/index.ts';
import { buildReport } from './build-report.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { noProblemsText } from './format-values.ts';
import { addRequest, openFixtureLedger, recordHistory, usage, writeReportProject } from './report-fixture.ts';
import type { PricedCost, RunReport } from './report-types.ts';
import { compareAnswers, summariseAudit } from '../quality/index.ts';

let dir: string;
let report: RunReport;
let unpriced: RunReport;
beforeAll(async () => {
  dir = writeReportProject();
  const config = await loadProjectConfig({ projectDir: dir, env: {} });
  const { ledger, clock } = openFixtureLedger(dir);
  recordHistory(ledger, clock);
  report = buildReport(ledger, config, { clock });
  // Then a stage run on a model without a price, whose key and issue need escaping.
  addRequest(ledger, { stage: 'legacy', key: 'x<b>|*', model: 'acme-llm-7', maxAttempts: 1 });
  const job = ledger.createJob({ stage: 'legacy', displayNamePrefix: 'p', model: 'acme-llm-7', inputPath: '/in', sizeBytes: 1, keys: ['x<b>|*'] });
  ledger.recordResult(ledger.attemptInJob(job.id, 'legacy', 'x<b>|*')!.id, { state: 'invalid', usage: usage(2000, 500),
    issues: [{ severity: 'error', code: 'schema', path: '/a/0', message: '/a/0: must be <string>, got "x | y"' }] });
  unpriced = buildReport(ledger, config, { clock });
  ledger.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usd = (cost: { kind: string }, field: 'batchUsd' | 'standardUsd' | 'savingUsd' | 'cacheSavingUsd') => formatUsd((cost as PricedCost)[field]);

describe('renderMarkdown', () => {
  it('shows the outcome, cost, token and job tables with a total row, problems and given-up requests', () => {
    const md = renderMarkdown(report);
    const extract = report.stages[0]!;
    expect(md).toMatch(/^# truebatch report\n/);
    expect(md).toContain(`Generated: ${report.generatedAt ?? ''}`);
    expect(md).toContain('| extract | 6 | 3 | 1 | 1 | 1 | 8 | 3 | 1 |');
    expect(md).toContain('| **all stages** | 8 | 5 | 1 | 1 | 1 | 10 | 3 | 1 |');
    expect(md).toContain(`| extract | ${usd(extract.estimated, 'batchUsd')} | ${usd(extract.actual, 'batchUsd')} | ` +
      `${usd(extract.actual, 'standardUsd')} | ${usd(extract.actual, 'savingUsd')} |`);
    expect(md).toMatch(/\| summarise \| no estimate \| \$0\.\d+ \|/);
    expect(md).toContain(`(6 of 8 requests)`);
    expect(md).toContain(`| extract | 5,100 | 400 | ${usd(extract.actual, 'cacheSavingUsd')} | 970 | 50 |`);
    expect(md).toContain('| extract | 3 | collected 2, running 1 | 2 | 1 min 00 s | 1 min 30 s | 2 min 00 s |');
    expect(md).toContain('5 error(s) of 3 kind(s).');
    expect(md).toContain('| 3 | `/quantitative_findings/*/value: must be number, got "…"` | ' +
      '`/quantitative_findings/3/value: must be number, got "12 mg"` in b |');
    expect(md).toContain('- c after 2 attempt(s): schema mismatch');
    expect(md).not.toContain('unknown');
  });

  it('counts documents apart from requests, and lists repairs and why attempts failed', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('- **Documents:** 6, as 8 requests in 2 stages — 5 valid (63%), 1 given up, 1 in flight, 1 pending');
    expect(md).toContain('| stage | requests | valid |');
    expect(md).toContain('## Repairs\n\nAnswers that had to be repaired before they could be judged (one answer can have more than one repair).\n\n' +
      '| stage | repair | answers |\n| --- | --- | ---: |\n| extract | alias renamed | 1 |\n| extract | code fence stripped | 1 |\n' +
      '| summarise | prose around JSON stripped | 1 |');
    expect(md).toContain('By field: aliases renamed, and rules broken in invalid answers.\n\n| stage | what | field | attempts |\n| --- | --- | --- | ---: |\n' +
      '| extract | schema failure | /quantitative_findings/\\*/value | 3 |\n');
    expect(md).toContain('## Why attempts failed\n\n| stage | reason | attempts | resubmitted |\n| --- | --- | ---: | ---: |\n' +
      '| extract | schema failure | 3 | 2 |\n| extract | provider error on the line | 1 | 1 |\n\n## Top validation problems');
  });

  it('says a cost is unknown and why, never $0, and escapes what would break a table', () => {
    const md = renderMarkdown(unpriced);
    expect(md).toContain('| legacy | no estimate | unknown | unknown | unknown |');
    expect(md).toContain('| **all stages** | $0.00278 (6 of 9 requests) | unknown | unknown | unknown |');
    expect(md).toMatch(/- legacy: actual cost unknown — no price for model acme-llm-7: add it under prices/);
    expect(md).toContain('**Actual cost (batch):** unknown — no price for model acme-llm-7');
    expect(md).not.toContain('$0.00 ');
    expect(md).toContain('in x\\<b\\>\\|\\*');
    expect(md).toContain('| 1 | `/a/*: must be <string>, got "…"` |'); // code spans need no escapes but the pipe's
    expect(md).toContain('got "x \\| y"`');
  });
});

describe('renderHtml', () => {
  it('is one self-contained page: inline CSS and SVG, nothing loaded from elsewhere', () => {
    const html = renderHtml(report);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<style>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/<svg[\s\S]*?<\/svg>/g)?.every((svg) => /<title id="[a-z-]+-title">/.test(svg) && svg.includes('role="img"'))).toBe(true);
  });

  it('draws cost bars for batch and interactive, outcome segments per stage, and the tables', () => {
    const html = renderHtml(report);
    const extract = report.stages[0]!;
    expect(html).toContain(`<title>extract, batch: ${usd(extract.actual, 'batchUsd')}</title>`);
    expect(html).toContain(`<title>extract, interactive equivalent: ${usd(extract.actual, 'standardUsd')}</title>`);
    expect(html).toContain('<title>extract: 3 valid (50%)</title>');
    expect(html).toContain('<title>extract: 1 given up (17%)</title>');
    expect(html).toContain('<title>extract: 1 in flight (17%)</title>');
    expect(html).toContain('<title>extract: 1 pending (17%)</title>');
    expect(html).toContain('<title>summarise: 2 valid (100%)</title>');
    expect(html).toContain('<tr class="total"><th scope="row"><strong>all stages</strong></th><td class="num">8</td>');
    expect(html).toContain('<code>/quantitative_findings/*/value: must be number, got &quot;…&quot;</code>');
  });

  it('shows documents and requests on the first card, and the repairs and failure reasons', () => {
    const html = renderHtml(report);
    expect(html).toContain('<div class="label">Documents</div><div class="value">6</div><div class="note">8 requests in 2 stages · 5 valid · 1 given up</div>');
    expect(html).toContain('<h2>Repairs</h2>');
    expect(html).toMatch(/<h2>Why attempts failed<\/h2>\n<div class="table-wrap"><table>[\s\S]*?schema failure<\/td><td class="num">3<\/td><td class="num">2<\/td>/);
  });

  it('marks an unknown cost with its reason and escapes every text', () => {
    const html = renderHtml(unpriced);
    expect(html).toContain('price unknown</text>');
    expect(html).toMatch(/<span class="unknown-cost" title="no price for model acme-llm-7[^"]*">unknown<\/span>/);
    expect(html).toContain('x&lt;b&gt;|*');
    expect(html).not.toContain('x<b>');
    expect(html).toContain('must be &lt;string&gt;');
  });
});

describe('noProblemsText', () => {
  it('never says a bare None beside failed attempts: it names their reasons instead', () => {
    const figures = report.stages[1]!;
    expect(noProblemsText(figures)).toBe('None: no attempt failed.');
    expect(noProblemsText({ ...figures, attempts: { ...figures.attempts, failed: 3 },
      failureReasons: [{ kind: 'truncated', label: 'truncated (max tokens)', attempts: 3, resubmitted: 3 }] }))
      .toBe('None: no answer broke a validation rule. The 3 failed attempt(s) failed for other reasons (3 truncated (max tokens)): ' +
        'see Why attempts failed.');
  });
});

describe('provider retries', () => {
  it('are counted by call and status in the report, and shown in Markdown and HTML', async () => {
    const retryDir = writeReportProject();
    try {
      const config = await loadProjectConfig({ projectDir: retryDir, env: {} });
      const { ledger, clock } = openFixtureLedger(retryDir);
      const quiet = buildReport(ledger, config, { clock });
      expect(quiet.providerRetries).toEqual([]);
      expect(renderMarkdown(quiet)).toContain('## Provider retries\n\nNo provider call had to be retried.');
      for (const [endpoint, status] of [['getJob', '503'], ['getJob', '503'], ['downloadResults', 'network'], ['getJob', '429']]) {
        ledger.providerHealth.recordRetry(clock.now(), endpoint ?? '', status ?? '');
      }
      const stormy = buildReport(ledger, config, { clock });
      ledger.close();
      expect(stormy.providerRetries).toEqual([
        { endpoint: 'getJob', status: '503', count: 2 },
        { endpoint: 'downloadResults', status: 'network', count: 1 },
        { endpoint: 'getJob', status: '429', count: 1 },
      ]);
      expect(renderMarkdown(stormy)).toMatch(/## Provider retries\n\n.*\n\n\| call \| status \| retries \|[\s\S]*\| getJob \| 503 \| 2 \|/);
      expect(renderHtml(stormy)).toMatch(/<h2>Provider retries<\/h2>[\s\S]*downloadResults[\s\S]*network/);
    } finally {
      rmSync(retryDir, { recursive: true, force: true });
    }
  });
});

describe('the audit section (#19)', () => {
  const comparisons = Array.from({ length: 10 }, (_, index) =>
    JSON.stringify(compareAnswers(undefined, { design: 'rct', n: 10 }, { design: index < 2 ? 'cohort' : 'rct', n: 10 })));
  const audit = summariseAudit({
    id: 1, stage: 'extract', seed: 3, sampleSize: 10, createdAt: 0, finishedAt: 1,
    calls: comparisons.map((comparison, index) => ({
      key: `k${index}`, docId: `d${index}`, state: 'answered' as const, verdict: 'valid' as const, comparison, costUsd: 0.001, reused: false, error: null,
    })),
  });

  it('is left out when no audit was made', () => {
    expect(report.audits).toEqual([]);
    expect(renderMarkdown(report)).not.toContain('## Audit');
    expect(renderHtml(report)).not.toContain('Audit (batch vs interactive answers)');
  });

  it('shows each field\'s agreement with its 95% interval, in Markdown and as a chart', () => {
    const withAudit = { ...report, audits: [audit] };
    const md = renderMarkdown(withAudit);
    expect(md).toContain('## Audit (batch vs interactive answers)');
    expect(md).toContain('| `/design` | text | 8/10 | 80.0% (49.0%–94.3%) |');
    expect(md).toContain('| `/n` | number | 10/10 | 100.0% (72.2%–100.0%) |');
    expect(md).toContain('| whole document |  | 8/10 | 80.0% (49.0%–94.3%) |');
    const html = renderHtml(withAudit);
    expect(html).toContain('<h2>Audit (batch vs interactive answers)</h2>');
    expect(html).toContain('aria-labelledby="audit-chart-extract-title audit-chart-extract-desc"');
    expect(html).toContain('/design: 8 of 10 agree (80.0%; 95% interval 49.0%–94.3%)');
  });
});
