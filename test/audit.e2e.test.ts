/**
 * End to end (#19): `truebatch audit` through the real CLI against an emulator whose interactive answers diverge on
 * one field for a seeded 20% of requests (`faults.divergence`). The audit finds that field's agreement near 80%
 * within its reported interval and every other field at 100%; the same audit again costs nothing; a budget without
 * headroom and Gemini without a key are refused before any call.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditPlan, AuditSummary } from '../src/quality/index.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, queryLedger } from './support/project.ts';

const DOCUMENTS = 80;
const emulator = emulatorPerTest({ jobDurationMs: 100, pendingMs: 20 });

type AuditOutput = AuditSummary & { plan: AuditPlan };

function setBudget(project: string, maxUsd: number): void {
  const path = join(project, 'truebatch.config.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^stages:$/m, `budget: { maxUsd: ${maxUsd} }\nstages:`));
}

describe('truebatch audit (end to end)', () => {
  it('measures a field that diverges in 20% of answers, leaves the others at 100%, and costs nothing again', async () => {
    const project = makeProject({ count: DOCUMENTS });
    const { server, env } = await emulator({ seed: 3, faults: { divergence: { rate: 0.2, fields: { '/year': 'number' } } } });
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(0);
    expect(server.stats().generateContentCalls).toBe(0);

    const planned = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', String(DOCUMENTS), '--plan', '--json'], env);
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout) as AuditPlan;
    expect(plan).toMatchObject({ candidates: DOCUMENTS, sampled: DOCUMENTS, calls: DOCUMENTS, reused: 0, budgets: [], fitsBudget: true });
    expect(plan.estimatedUsd).toBeGreaterThan(0);
    expect(server.stats().generateContentCalls).toBe(0);

    const first = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', String(DOCUMENTS), '--seed', '1', '--json'], env);
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.code).toBe(0);
    const audit = JSON.parse(first.stdout) as AuditOutput;
    expect(server.stats().generateContentCalls).toBe(DOCUMENTS);
    const diverged = server.stats().divergedAnswers['/year'] ?? 0;
    expect(audit).toMatchObject({ calls: DOCUMENTS, compared: DOCUMENTS, reused: 0, failed: 0, invalid: 0 });
    expect(audit.costUsd).toBeGreaterThan(0);

    const year = audit.fields.find((field) => field.path === '/year');
    expect(year).toMatchObject({ kind: 'exact', n: DOCUMENTS, agree: DOCUMENTS - diverged });
    expect(year!.interval.low).toBeLessThanOrEqual(0.8);
    expect(year!.interval.high).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(year!.rate - 0.8)).toBeLessThan(0.1);
    for (const field of audit.fields.filter((each) => each.path !== '/year')) expect(field).toMatchObject({ agree: DOCUMENTS, n: DOCUMENTS, rate: 1 });
    expect(audit.fields.map((field) => field.path).sort()).toEqual(['/findings', '/title', '/year']);
    expect(audit.overall).toMatchObject({ agree: DOCUMENTS - diverged, n: DOCUMENTS });

    // The ledger holds every call with its own kind and its standard-price cost.
    const calls = queryLedger<{ kind: string; state: string; n: number; usd: number }>(
      project, 'SELECT kind, state, COUNT(*) AS n, SUM(cost_usd) AS usd FROM audit_calls GROUP BY kind, state',
    );
    expect(calls).toEqual([{ kind: 'interactive', state: 'answered', n: DOCUMENTS, usd: expect.any(Number) }]);
    expect(calls[0]?.usd).toBeCloseTo(audit.costUsd, 12);

    const again = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', String(DOCUMENTS), '--seed', '1', '--json'], env);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout) as AuditOutput;
    expect(server.stats().generateContentCalls).toBe(DOCUMENTS);
    expect(rerun).toMatchObject({ calls: DOCUMENTS, reused: DOCUMENTS, costUsd: 0, fields: audit.fields, overall: audit.overall });
    expect(rerun.plan).toMatchObject({ calls: 0, reused: DOCUMENTS, estimatedUsd: 0 });

    const report = await runCli(['report', '--project', project, '--json'], env);
    expect(report.code).toBe(0);
    const audits = (JSON.parse(report.stdout) as { audits: AuditSummary[] }).audits;
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ stage: 'extract', fields: audit.fields });
    const markdown = await runCli(['report', '--project', project], env);
    expect(markdown.stdout).toContain('## Audit');
    expect(markdown.stdout).toContain('/year');
  });

  it('audits on the embedded emulator, whose divergence comes from the project config (emulator.faults.divergence)', async () => {
    const project = makeProject({ count: 20, extraYaml: "emulator: { faults: { divergence: { rate: 0.5, fields: { '/findings': 'drop-item' } } } }" });
    const path = join(project, 'truebatch.config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provider: gemini$/m, 'provider: emulator'));
    expect((await runCli(['run', '--project', project])).code).toBe(0);
    const first = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', '20', '--json']);
    expect(first.code).toBe(0);
    const audit = JSON.parse(first.stdout) as AuditOutput;
    const findings = audit.fields.find((field) => field.path === '/findings');
    // A list cut to nothing breaks the schema's minItems: such answers are invalid, the others disagree on /findings.
    expect(findings).toMatchObject({ kind: 'set', n: audit.compared });
    expect(audit.invalid + findings!.n - findings!.agree).toBeGreaterThan(0);
    expect(audit.overall).toMatchObject({ agree: findings!.agree, n: 20 });
    for (const field of audit.fields.filter((each) => each.path !== '/findings')) expect(field).toMatchObject({ agree: audit.compared, n: audit.compared });
    const again = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', '20', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ reused: 20, costUsd: 0, fields: audit.fields });
  });

  it('refuses without budget headroom (exit 4), and without a Gemini key (exit 2), before any call', async () => {
    const project = makeProject({ count: 6 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    setBudget(project, 0.000_000_1);

    const refused = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', '6'], env);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/budget: the audit of extract would make 6 interactive call\(s\) costing about .* nothing was called/);
    const plan = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', '6', '--plan', '--json'], env);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ fitsBudget: false, calls: 6 });

    const { GEMINI_API_KEY: _key, ...withoutKey } = env;
    const keyless = await runCli(['audit', '--project', project, '--stage', 'extract', '--sample', '6'], withoutKey);
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toMatch(/API key/i);

    expect(server.stats().generateContentCalls).toBe(0);
    expect(queryLedger(project, 'SELECT * FROM audit_calls')).toEqual([]);
  });
});
