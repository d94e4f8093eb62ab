import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as truebatch } from '../../test/support/cli.ts';
import { projectWithHistory } from './report-fixture.ts';

let project: string;
beforeAll(() => {
  project = projectWithHistory();
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('truebatch report', () => {
  it('prints Markdown, JSON with --json, one stage with --stage, and writes HTML with --out', async () => {
    const out = join(project, 'reports', 'run.html');
    const [md, json, oneStage, html, unknownStage] = await Promise.all([
      truebatch(['report', '--project', project, '--format', 'md']),
      truebatch(['--json', 'report', '--project', project]),
      truebatch(['report', '--project', project, '--stage', 'summarise']),
      truebatch(['report', '--project', project, '--format', 'html', '--out', out]),
      truebatch(['report', '--project', project, '--stage', 'nope']),
    ]);

    expect(md.stderr).toBe('');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# truebatch report\n/);
    expect(md.stdout).toContain('| extract | 6 | 3 | 1 | 1 | 1 | 8 | 3 | 1 |');
    expect(md.stdout).toContain('| **all stages** | 8 | 5 | 1 | 1 | 1 | 10 | 3 | 1 |');
    expect(md.stdout).toContain('- c after 2 attempt(s): schema mismatch');

    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { stages: { stage: string }[]; total: { requests: { total: number } } };
    expect(report.stages.map((stage) => stage.stage)).toEqual(['extract', 'summarise']);
    expect(report.total.requests.total).toBe(8);

    expect(oneStage.code).toBe(0);
    expect(oneStage.stdout).toContain('| summarise | 2 | 2 | 0 | 0 | 0 | 2 | 0 | 0 |');
    expect(oneStage.stdout).not.toContain('extract');

    expect(html).toMatchObject({ code: 0, stdout: `Wrote the html report to ${out}.\n` });
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg [\s\S]*<\/html>\n$/);
    expect(existsSync(join(project, 'reports'))).toBe(true);

    expect(unknownStage.code).not.toBe(0);
    expect(unknownStage.stderr).toContain('no stage named nope; stages: extract, summarise');
  });
});
