/**
 * One project, stages on different providers (#21): stage 1 on Gemini, stage 2 on Anthropic or OpenAI. Over HTTP to
 * one emulator (each provider with its own key and URL), and on the embedded emulators (one emulator serving both
 * APIs over the project's state folder). Plan names and prices each stage at its provider; the run makes batches on
 * both APIs and writes every output; a rerun submits nothing; a stage whose provider has no key is refused first.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPriceTable } from '../src/cost/index.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

/** A Gemini project whose second stage, `review`, reads `extract`'s outputs on `provider` with `model`. */
function twoProviderProject(gemini: string, provider: string, model: string, count = 4): string {
  const project = makeProject({ count, provider: gemini });
  writeFileSync(join(project, 'review.md'), 'Extract the title, year and findings of this extraction as JSON.\n\n{{document}}\n');
  appendFileSync(
    join(project, 'truebatch.config.yaml'),
    [
      '  - name: review',
      `    provider: ${provider}`,
      `    model: ${model}`,
      '    input: { stage: extract }',
      '    prompt: { file: review.md }',
      '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
      '',
    ].join('\n'),
  );
  return project;
}

const jobsByStage = (project: string) =>
  queryLedger<{ stage: string; n: number }>(project, 'SELECT stage, COUNT(*) AS n FROM jobs GROUP BY stage ORDER BY stage');

interface PlanJson {
  stages: { stage: string; provider: string; model: string; requests: { toSubmit: number }; estimatedTokens: { input: number; output: number }; estimatedCost: { batchUsd: number; standardUsd: number } }[];
}

describe('stages on different providers (end to end)', () => {
  it('plans each stage at its provider and price, runs stage 1 on Gemini and stage 2 on Anthropic, and a rerun submits nothing', async () => {
    const project = twoProviderProject('gemini', 'anthropic', 'claude-sonnet-5-5');
    const planned = await runCli(['plan', '--project', project, '--json'], {});
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    expect(plan.stages.map((s) => [s.stage, s.provider, s.model])).toEqual([
      ['extract', 'gemini', 'gemini-2.5-flash'],
      ['review', 'anthropic', 'claude-sonnet-5-5'],
    ]);
    // Review's requests wait for extract's answers; extract is priced at Gemini's prices, not Claude's.
    const [extract] = plan.stages;
    const flash = createPriceTable().priceFor('gemini-2.5-flash');
    const sonnet = createPriceTable().priceFor('claude-sonnet-5-5');
    expect(flash.inputPerMTok).not.toBe(sonnet.inputPerMTok);
    expect(extract?.requests.toSubmit).toBe(4);
    expect(extract?.estimatedCost.batchUsd).toBeGreaterThan(0);
    const text = await runCli(['plan', '--project', project], {});
    expect(text.stdout).toMatch(/Providers: extract on gemini \(gemini-2\.5-flash, \$[\d.]+\); review on anthropic \(claude-sonnet-5-5, \$[\d.]+\)\./);

    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(server.stats().batchesCreated).toBeGreaterThan(0);
    expect(server.stats().anthropic.batchesCreated).toBeGreaterThan(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(4);
    expect(outputFiles(join(project, 'outputs', 'review'))).toHaveLength(4);
    const jobs = jobsByStage(project);

    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    expect(jobsByStage(project)).toEqual(jobs);
    const replanned = JSON.parse((await runCli(['plan', '--project', project, '--json'], {})).stdout) as PlanJson;
    expect(replanned.stages.map((s) => s.requests.toSubmit)).toEqual([0, 0]);

    // A new review prompt: only review is planned again, priced at Claude's prices, and sent to Anthropic alone.
    writeFileSync(join(project, 'review.md'), 'Give the title, year and findings of this extraction as JSON.\n\n{{document}}\n');
    const changed = JSON.parse((await runCli(['plan', '--project', project, '--json'], {})).stdout) as PlanJson;
    const review = changed.stages[1];
    expect(changed.stages.map((s) => s.requests.toSubmit)).toEqual([0, 4]);
    const tokens = review?.estimatedTokens ?? { input: 0, output: 0 };
    expect(review?.estimatedCost.standardUsd).toBeCloseTo((tokens.input * sonnet.inputPerMTok + tokens.output * sonnet.outputPerMTok) / 1e6, 12);
    const geminiBatches = server.stats().batchesCreated;
    const anthropicBatches = server.stats().anthropic.batchesCreated;
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(server.stats().batchesCreated).toBe(geminiBatches);
    expect(server.stats().anthropic.batchesCreated).toBeGreaterThan(anthropicBatches);
  });

  it('refuses a stage whose provider has no API key (exit 2, naming the stage) before anything is sent', async () => {
    const project = twoProviderProject('gemini', 'anthropic', 'claude-sonnet-5-5');
    const { server, env } = await emulator();
    const { ANTHROPIC_API_KEY: _dropped, ...withoutAnthropicKey } = env;
    const run = await runCli(['run', '--project', project], withoutAnthropicKey);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stage review');
    expect(run.stderr).toContain('ANTHROPIC_API_KEY');
    expect(server.stats().filesUploaded + server.stats().batchesCreated).toBe(0);
  });

  it('runs stage 1 on the embedded Gemini emulator and stage 2 on the embedded OpenAI emulator, one emulator for both', async () => {
    const project = twoProviderProject('emulator', 'openai-emulator', 'gpt-4.1-mini', 3);
    const run = await runCli(['run', '--project', project], {});
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
    expect(outputFiles(join(project, 'outputs', 'review'))).toHaveLength(3);
    const jobs = jobsByStage(project);
    expect(jobs.map((row) => row.stage)).toEqual(['extract', 'review']);
    // The one embedded emulator persisted both APIs' jobs: a second process finds them done and submits nothing.
    expect((await runCli(['run', '--project', project], {})).code).toBe(0);
    expect(jobsByStage(project)).toEqual(jobs);
  });

  it('refuses a stage whose provider changed while jobs cut for the old one are unfinished, and goes on once it is set back', async () => {
    const project = makeProject({ count: 2, provider: 'emulator', extraYaml: 'emulator: { jobDurationMs: 60000 }' });
    expect((await runCli(['run', '--project', project, '--detach'], {})).code).toBe(5);
    const path = join(project, 'truebatch.config.yaml');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('model: gemini-2.5-flash', 'model: gpt-4.1-mini').replace('provider: emulator', 'provider: openai-emulator'));
    const refused = await runCli(['run', '--project', project], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stage extract: 1 job(s) cut for provider emulator are not collected yet');
    writeFileSync(path, original.replace('jobDurationMs: 60000', 'jobDurationMs: 10'));
    expect((await runCli(['run', '--project', project], {})).code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(2);
  });

  it('compares one stage on two providers through variants', async () => {
    const project = makeProject({ count: 3, provider: 'emulator', stageYaml: 'variants: [{ name: flash }, { name: claude, provider: anthropic-emulator, model: claude-sonnet-5-5 }]' });
    const run = await runCli(['run', '--project', project], {});
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract', 'flash'))).toHaveLength(3);
    expect(outputFiles(join(project, 'outputs', 'extract', 'claude'))).toHaveLength(3);
    const models = queryLedger<{ stage: string; model: string }>(project, 'SELECT DISTINCT stage, model FROM jobs ORDER BY stage');
    expect(models).toEqual([
      { stage: 'extract.claude', model: 'claude-sonnet-5-5' },
      { stage: 'extract.flash', model: 'gemini-2.5-flash' },
    ]);
  });
});
