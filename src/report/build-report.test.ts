import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig, type ProjectConfig } from '../config/index.ts';
import { createPriceTable, type ModelPrice } from '../cost/index.ts';
import type { TokenUsage } from '../providers/index.ts';
import { buildReport } from './build-report.ts';
import { addRequest, HISTORY, openFixtureLedger, recordHistory, usage, writeReportProject } from './report-fixture.ts';
import type { PricedCost } from './report-types.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function fixture(extraYaml = '') {
  const dir = writeReportProject(extraYaml);
  dirs.push(dir);
  const config: ProjectConfig = await loadProjectConfig({ projectDir: dir, env: {} });
  const { ledger, clock } = openFixtureLedger(dir);
  return { dir, config, ledger, clock };
}

/** Interactive and batch cost of `u` computed by hand from the table's per-1M-token prices. */
function byHand(u: TokenUsage, price: ModelPrice): { standard: number; batch: number } {
  const fresh = (u.promptTokens - u.cachedTokens) * price.inputPerMTok + (u.outputTokens + u.thoughtsTokens) * price.outputPerMTok;
  const cached = u.cachedTokens * price.cachedInputPerMTok;
  return { standard: (fresh + cached) / 1e6, batch: (fresh * price.batchFactor + cached) / 1e6 };
}

function sumByHand(usages: readonly TokenUsage[], price: ModelPrice): { standard: number; batch: number } {
  return usages.map((u) => byHand(u, price)).reduce((a, b) => ({ standard: a.standard + b.standard, batch: a.batch + b.batch }));
}

function priced(cost: { kind: string }): PricedCost {
  expect(cost.kind).toBe('priced');
  return cost as PricedCost;
}

describe('buildReport', () => {
  it('counts outcomes, attempts, tokens and job durations per stage and in total', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const report = buildReport(ledger, config);
    const [extract, summarise] = report.stages;
    expect(report.stages.map((stage) => stage.stage)).toEqual(['extract', 'summarise']);
    expect(extract?.models).toEqual(['gemini-2.5-flash']);
    expect(extract?.requests).toEqual({ total: 6, valid: 3, givenUp: 1, inFlight: 1, pending: 1 });
    expect(extract?.attempts).toEqual({ total: 8, valid: 3, invalid: 3, failed: 1, inFlight: 1 });
    expect(extract?.tokens).toEqual({ prompt: 5100, output: 970, thoughts: 50, cached: 400 });
    expect(summarise?.requests).toEqual({ total: 2, valid: 2, givenUp: 0, inFlight: 0, pending: 0 });
    expect(report.total.requests).toEqual({ total: 8, valid: 5, givenUp: 1, inFlight: 1, pending: 1 });
    expect(report.total.attempts).toEqual({ total: 10, valid: 5, invalid: 3, failed: 1, inFlight: 1 });
    expect(report.total.tokens).toEqual({ prompt: 14100, output: 2770, thoughts: 550, cached: 400 });
    expect(extract?.jobs).toEqual({ total: 3, byState: { collected: 2, running: 1 },
      durations: { count: 2, minMs: 60_000, medianMs: 90_000, maxMs: 120_000 } });
    expect(summarise?.jobs.durations).toEqual({ count: 1, minMs: 30_000, medianMs: 30_000, maxMs: 30_000 });
    expect(report.total.jobs.durations).toEqual({ count: 3, minMs: 30_000, medianMs: 60_000, maxMs: 120_000 });
    expect(extract?.givenUpRequests).toEqual([{ key: 'c', attempts: 2, reason: 'schema mismatch' }]);
    expect(report.project).toBe(config.projectDir);
    expect(report.generatedAt).toBeUndefined();
    expect(buildReport(ledger, config, { clock }).generatedAt).toBe(new Date(clock.now()).toISOString());
    ledger.close();
  });

  it('prices every attempt by its model: batch = factor × interactive except for cache hits, and sums exactly', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const report = buildReport(ledger, config);
    const table = createPriceTable();
    const flash = table.priceFor('gemini-2.5-flash');
    const pro = table.priceFor('gemini-2.5-pro');
    const extract = priced(report.stages[0]!.actual);
    const summarise = priced(report.stages[1]!.actual);
    const total = priced(report.total.actual);

    const extractHand = sumByHand(Object.values(HISTORY.extractAttempts), flash);
    expect(extract.standardUsd).toBeCloseTo(extractHand.standard, 15);
    expect(extract.batchUsd).toBeCloseTo(extractHand.batch, 15);
    expect(extract.savingUsd).toBeCloseTo(extractHand.standard - extractHand.batch, 15);
    // The cache hits of b's second attempt are billed at the full caching rate in batch too.
    expect(extract.batchUsd).toBeGreaterThan(0.5 * extract.standardUsd);
    expect(extract.batchUsd - 0.5 * extract.standardUsd).toBeCloseTo(0.5 * 400 * flash.cachedInputPerMTok / 1e6, 15);
    // What the 400 cached tokens saved: the batch input price minus the cached price, per token.
    expect(extract.cacheSavingUsd).toBeCloseTo(400 * (flash.inputPerMTok * flash.batchFactor - flash.cachedInputPerMTok) / 1e6, 15);
    expect(summarise.cacheSavingUsd).toBe(0);
    expect(total.cacheSavingUsd).toBeCloseTo(extract.cacheSavingUsd, 15);

    const summariseHand = sumByHand(Object.values(HISTORY.summariseAttempts), pro);
    expect(summarise.standardUsd).toBeCloseTo(summariseHand.standard, 15);
    expect(summarise.batchUsd).toBeCloseTo(0.5 * summarise.standardUsd, 15);
    expect(total.batchUsd).toBeCloseTo(extract.batchUsd + summarise.batchUsd, 15);
    expect(total.standardUsd).toBeCloseTo(extract.standardUsd + summarise.standardUsd, 15);
  });

  it('estimates from the requests’ token estimates, and says "no estimate" where the ledger has none', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const report = buildReport(ledger, config);
    const flash = createPriceTable().priceFor('gemini-2.5-flash');
    const one = byHand(usage(HISTORY.extractEstimate.input, HISTORY.extractEstimate.output), flash);
    const extract = report.stages[0]!.estimated;
    expect(extract).toMatchObject({ kind: 'priced', inputTokens: 6000, outputTokens: 1500, coveredRequests: 6, requests: 6 });
    expect(priced(extract).standardUsd).toBeCloseTo(6 * one.standard, 15);
    expect(priced(extract).batchUsd).toBeCloseTo(6 * one.batch, 15);
    expect(report.stages[1]!.estimated).toEqual({ kind: 'none', reason: expect.stringMatching(/^no estimate/) });
    expect(report.total.estimated).toMatchObject({ kind: 'priced', coveredRequests: 6, requests: 8 });
  });

  it('groups validation errors by message without values and indexes, ignoring warnings', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const extract = buildReport(ledger, config).stages[0]!;
    expect(extract.problemKinds).toBe(3);
    expect(extract.problems).toEqual([
      { problem: '/quantitative_findings/*/value: must be number, got "…"', count: 3,
        example: { message: '/quantitative_findings/3/value: must be number, got "12 mg"', stage: 'extract', key: 'b' } },
      { problem: '/year: must be integer, got "…"', count: 1,
        example: { message: '/year: must be integer, got "2019"', stage: 'extract', key: 'b' } },
      { problem: '/year: must be integer, got N', count: 1,
        example: { message: '/year: must be integer, got 2019.5', stage: 'extract', key: 'c' } },
    ]);
    expect(buildReport(ledger, config).total.problems.map((group) => group.count)).toEqual([3, 1, 1]);
  });

  it('counts documents apart from requests, and lists repairs by kind and every failed attempt by reason', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const report = buildReport(ledger, config);
    const [extract, summarise] = report.stages;
    // summarise's two requests are for documents a and b, which extract has too: 6 documents, 8 requests.
    expect([extract?.documents, summarise?.documents, report.total.documents]).toEqual([6, 2, 6]);
    expect(report.total.requests.total).toBe(8);
    expect(extract?.repairs).toEqual([
      { kind: 'alias', label: 'alias renamed', answers: 1 },
      { kind: 'fence', label: 'code fence stripped', answers: 1 },
    ]);
    expect(report.total.repairs.map((repair) => [repair.kind, repair.answers])).toEqual([['alias', 1], ['fence', 1], ['prose', 1]]);
    expect(extract?.repairFields).toEqual([
      { kind: 'schema', label: 'schema failure', field: '/quantitative_findings/*/value', attempts: 3 },
      { kind: 'schema', label: 'schema failure', field: '/year', attempts: 2 },
      { kind: 'alias', label: 'alias renamed', field: '/key_findings', attempts: 1 },
    ]);
    expect(report.total.repairFields.map((field) => field.attempts)).toEqual([3, 2, 1]);
    expect(extract?.failureReasons).toEqual([
      { kind: 'schema', label: 'schema failure', attempts: 3, resubmitted: 2 },
      { kind: 'provider-error', label: 'provider error on the line', attempts: 1, resubmitted: 1 },
    ]);
    // Every failed or invalid attempt has its reason listed.
    const listed = report.total.failureReasons.reduce((sum, failure) => sum + failure.attempts, 0);
    expect(listed).toBe(report.total.attempts.failed + report.total.attempts.invalid);
    expect(buildReport(ledger, config, { stages: ['summarise'] }).total.documents).toBe(2);
  });

  it('reports only the chosen stages, and the total is theirs alone', async () => {
    const { config, ledger, clock } = await fixture();
    recordHistory(ledger, clock);
    const report = buildReport(ledger, config, { stages: ['summarise'] });
    expect(report.stages.map((stage) => stage.stage)).toEqual(['summarise']);
    expect(report.total.requests.total).toBe(2);
    expect(report.total.actual).toEqual(report.stages[0]!.actual);
  });

  it('shows a model without a price as unknown with the reason, never $0, and prices it once the config does', async () => {
    const build = async (extraYaml: string) => {
      const { config, ledger } = await fixture(extraYaml);
      // A stage no longer in the config, run on a model the price table does not know.
      addRequest(ledger, { stage: 'legacy', key: 'x', model: 'acme-llm-7', maxAttempts: 1 }, { input: 100, output: 10 });
      const job = ledger.createJob({ stage: 'legacy', displayNamePrefix: 'p', model: 'acme-llm-7', inputPath: '/in', sizeBytes: 1, keys: ['x'] });
      ledger.recordResult(ledger.attemptInJob(job.id, 'legacy', 'x')!.id, { state: 'valid', usage: usage(2000, 500) });
      const report = buildReport(ledger, config);
      ledger.close();
      return report;
    };
    const unpriced = await build('');
    expect(unpriced.stages.map((stage) => stage.stage)).toEqual(['extract', 'summarise', 'legacy']);
    const legacy = unpriced.stages[2]!;
    expect(legacy.actual).toEqual({ kind: 'unknown', reasons: [expect.stringContaining('no price for model acme-llm-7')] });
    expect(legacy.estimated).toEqual({ kind: 'unknown', reasons: [expect.stringContaining('no price for model acme-llm-7')] });
    expect(unpriced.total.actual.kind).toBe('unknown');
    expect(legacy.tokens).toEqual({ prompt: 2000, output: 500, thoughts: 0, cached: 0 });

    const withPrice = await build('prices: { acme-llm-7: { inputPerMTok: 1, outputPerMTok: 2 } }');
    const cost = priced(withPrice.stages[2]!.actual);
    expect(cost.standardUsd).toBeCloseTo((2000 * 1 + 500 * 2) / 1e6, 15);
    expect(cost.batchUsd).toBeCloseTo(0.5 * cost.standardUsd, 15);
  });

  it('reports an empty ledger without dividing by zero', async () => {
    const { config, ledger } = await fixture();
    const report = buildReport(ledger, config);
    ledger.close();
    expect(report.stages.map((stage) => stage.stage)).toEqual(['extract', 'summarise']);
    expect(report.total.requests.total).toBe(0);
    expect(report.total.actual).toEqual({ kind: 'priced', standardUsd: 0, batchUsd: 0, savingUsd: 0, cacheSavingUsd: 0 });
    expect(report.total.estimated).toEqual({ kind: 'none', reason: 'no estimate: no requests' });
    expect(report.total.jobs.durations).toBeUndefined();
    expect(report.total.problems).toEqual([]);
  });
});
