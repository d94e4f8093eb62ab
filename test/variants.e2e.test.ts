/**
 * End to end (issue #19, variants): the soil-k-variants example runs stage_1a on two models over the same papers,
 * each variant into its own folder; `compare` shows their cost and agreement; editing one variant's prompt
 * resubmits that variant only.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FaultConfig } from '../src/emulator/faults.ts';
import type { VariantComparison } from '../src/quality/index.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { copySoilKVariants, outputFiles, queryLedger, useGeminiProvider } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

const jobsByStage = (project: string): Record<string, number> =>
  Object.fromEntries(queryLedger<{ stage: string; n: number }>(project, 'SELECT stage, COUNT(*) AS n FROM jobs GROUP BY stage').map((row) => [row.stage, row.n]));

describe('variants (end to end)', () => {
  it('runs both variants into their own folders, compares them, and resubmits only the variant whose prompt changed', async () => {
    const project = copySoilKVariants();
    const config = parse(readFileSync(join(project, 'truebatch.config.yaml'), 'utf8')) as { emulator: { faults: FaultConfig } };
    useGeminiProvider(project);
    const { server, env } = await emulator({ faults: config.emulator.faults });
    const first = await runCli(['run', '--project', project], env);
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.code).toBe(0);
    for (const variant of ['flash', 'flash-lite']) {
      const outputs = outputFiles(join(project, 'outputs', 'stage_1a', variant));
      expect(outputs).toHaveLength(24);
      expect(outputs.every((name) => name.includes(`_stage_1a.${variant}_`))).toBe(true);
    }

    const compared = await runCli(['compare', '--project', project, '--stage', 'stage_1a', '--json'], env);
    expect(compared.code).toBe(0);
    const comparison = JSON.parse(compared.stdout) as VariantComparison;
    expect(comparison.variants.map((v) => [v.variant, v.model, v.documents, v.valid.agree])).toEqual([
      ['flash', 'gemini-2.5-flash', 24, 24],
      ['flash-lite', 'gemini-2.5-flash-lite', 24, 24],
    ]);
    const [flash, lite] = comparison.variants;
    // Each variant's repairs and retries, together, are the faults the emulator injected.
    const counted: Record<string, number> = {};
    for (const v of comparison.variants) {
      for (const { kind, attempts } of [...v.repairs, ...v.failures]) counted[kind] = (counted[kind] ?? 0) + attempts;
    }
    expect(counted).toEqual(server.stats().lineFaultsByKind);
    expect(comparison.variants.every((v) => v.repairs.length > 0)).toBe(true);
    expect(comparison.variants.reduce((sum, v) => sum + v.retries, 0)).toBe(counted['truncated']);
    expect(flash?.costPerDocumentUsd).toBeGreaterThan(0);
    // Flash-Lite's tokens cost less.
    expect(lite?.costPerDocumentUsd).toBeLessThan(flash?.costPerDocumentUsd ?? 0);
    const [pair] = comparison.pairs;
    expect(pair).toMatchObject({ a: 'flash', b: 'flash-lite', documents: 24, unreadable: [] });
    const fields = new Map(pair?.agreement.fields.map((field) => [field.path, field]));
    // The same papers: what both read off the paper's header agrees; the lite model leaves fields out and rounds.
    expect(fields.get('/paper_metadata/year')?.rate).toBe(1);
    expect(Math.min(...(pair?.agreement.fields ?? []).map((field) => field.rate))).toBeLessThan(1);
    expect(pair?.agreement.overall.n).toBe(24);

    const human = await runCli(['compare', '--project', project, '--stage', 'stage_1a'], env);
    expect(human.stdout).toContain('flash vs flash-lite: 24 document(s) valid in both');

    // A damaged output is named and left out, not compared as it is.
    const liteDir = join(project, 'outputs', 'stage_1a', 'flash-lite');
    const damaged = join(liteDir, outputFiles(liteDir)[0] ?? '');
    writeFileSync(damaged, '{"paper_metadata": ');
    const withDamage = JSON.parse((await runCli(['compare', '--project', project, '--stage', 'stage_1a', '--json'], env)).stdout) as VariantComparison;
    expect(withDamage.pairs[0]).toMatchObject({ documents: 23, unreadable: [{ path: damaged }] });

    // Editing the lite variant's prompt: one new job, for that variant only; flash's keys go out once.
    const jobsBefore = jobsByStage(project);
    const submittedBefore = server.stats().submissionsByKey;
    appendFileSync(join(project, 'prompts', 'stage_1a-lite.md'), '\nAnswer in English.\n');
    const plan = await runCli(['plan', '--project', project, '--json'], env);
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as { requests: { toSubmit: number; changed: number }; shards: { stage: string; requests: number }[] };
    expect(planned.requests).toMatchObject({ toSubmit: 24, changed: 24 });
    expect(planned.shards).toEqual([expect.objectContaining({ stage: 'stage_1a.flash-lite', requests: 24 })]);
    const second = await runCli(['run', '--project', project], env);
    expect(second.code).toBe(0);
    expect(jobsByStage(project)).toEqual({ ...jobsBefore, 'stage_1a.flash-lite': (jobsBefore['stage_1a.flash-lite'] ?? 0) + 1 });
    const submissions = Object.entries(server.stats().submissionsByKey);
    expect(submissions).toHaveLength(48);
    for (const [key, count] of submissions) {
      expect(count).toBe((submittedBefore[key] ?? 0) + (key.endsWith('_stage_1a.flash-lite') ? 1 : 0));
    }
    expect(outputFiles(join(project, 'outputs', 'stage_1a', 'flash-lite'))).toHaveLength(24);
  });

  it('refuses compare on a stage without variants, naming those that have some', async () => {
    const project = copySoilKVariants();
    const result = await runCli(['compare', '--project', project, '--stage', 'stage_2a']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no stage named stage_2a; stages with variants: stage_1a');
  });
});
