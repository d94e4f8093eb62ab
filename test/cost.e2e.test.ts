/**
 * Cost end to end: the plan matches what the run submits, actual cost equals the provider's token counts times
 * the price table, budgets stop submission before they are exceeded, canaries gate a stage, and calibration from
 * real usage changes the next plan.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPriceTable } from '../src/cost/index.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli } from './support/cli.ts';
import { makeProject, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

interface PlanJson {
  documents: number;
  requests: { toSubmit: number; new: number };
  shards: { requests: number; bytes: number }[];
  estimatedTokens: { input: number; output: number };
  estimatedCost: { standardUsd: number; batchUsd: number; savingUsd: number };
  stages: { estimatedTokens: { input: number; uncalibrated: { input: number } } }[];
}

async function plan(project: string): Promise<PlanJson> {
  const result = await runCli(['plan', '--project', project, '--json'], {});
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

function appendToConfig(project: string, text: string): void {
  const path = join(project, 'truebatch.config.yaml');
  writeFileSync(path, readFileSync(path, 'utf8') + text);
}

describe('cost (end to end)', () => {
  it('plans exactly what the run submits, and prices the run from the provider’s own token counts', async () => {
    const project = makeProject({ count: 5, extraYaml: 'sharding: { maxRequestsPerJob: 2 }' });
    const planned = await plan(project);
    expect(planned).toMatchObject({ documents: 5, requests: { toSubmit: 5, new: 5 } });
    expect(planned.shards.map((shard) => shard.requests)).toEqual([2, 2, 1]);
    expect(planned.estimatedCost.batchUsd).toBeCloseTo(planned.estimatedCost.standardUsd * 0.5, 12);
    expect(planned.estimatedCost.savingUsd).toBeCloseTo(planned.estimatedCost.standardUsd - planned.estimatedCost.batchUsd, 12);
    expect(queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM requests')[0]?.n).toBe(0); // a dry run

    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const stats = server.stats();
    expect(stats.distinctKeysSubmitted).toBe(planned.requests.toSubmit);
    expect(stats.batchesCreated).toBe(planned.shards.length);
    const estimated = queryLedger<{ n: number }>(project, 'SELECT SUM(estimated_input_tokens) AS n FROM requests');
    expect(estimated[0]?.n).toBe(planned.estimatedTokens.input);

    // The provider's own usage, read straight from the downloaded result files.
    const price = createPriceTable().priceFor('gemini-2.5-flash');
    let expectedUsd = 0;
    const resultsDir = join(project, '.truebatch', 'results');
    for (const name of readdirSync(resultsDir)) {
      for (const line of readFileSync(join(resultsDir, name), 'utf8').trim().split('\n')) {
        const usage = (JSON.parse(line) as { response: { usageMetadata: Record<string, number | undefined> } }).response.usageMetadata;
        const prompt = usage['promptTokenCount'] ?? 0;
        const output = (usage['candidatesTokenCount'] ?? 0) + (usage['thoughtsTokenCount'] ?? 0);
        expectedUsd += ((prompt * price.inputPerMTok + output * price.outputPerMTok) / 1e6) * price.batchFactor;
      }
    }
    const actual = queryLedger<{ usd: number }>(project, 'SELECT SUM(actual_usd) AS usd FROM jobs');
    expect(actual[0]?.usd).toBeCloseTo(expectedUsd, 12);
    const report = JSON.parse((await runCli(['report', '--project', project, '--json'], {})).stdout) as {
      total: { actual: { kind: string; batchUsd: number; standardUsd: number } };
    };
    expect(report.total.actual.batchUsd).toBeCloseTo(expectedUsd, 12);
    expect(report.total.actual.batchUsd).toBeCloseTo(report.total.actual.standardUsd * 0.5, 12);
  });

  it('refuses a model without a price unless the config supplies one', async () => {
    const project = makeProject({ count: 1 });
    const path = join(project, 'truebatch.config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('model: gemini-2.5-flash', 'model: gemini-9-ultra'));
    const refused = await runCli(['plan', '--project', project], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no price for model gemini-9-ultra');
    writeFileSync(path, readFileSync(path, 'utf8').replace('model: gemini-9-ultra', 'model: gemini-9-ultra\nprices: { gemini-9-ultra: { inputPerMTok: 1, outputPerMTok: 4 } }'));
    const priced = await plan(project);
    expect(priced.estimatedCost.batchUsd).toBeGreaterThan(0);
  });

  it('stops before a budget is exceeded, and a later run with a higher budget continues where it stopped', async () => {
    const project = makeProject({ count: 6, extraYaml: 'sharding: { maxRequestsPerJob: 2 }' });
    const planned = await plan(project);
    const perJob = planned.estimatedCost.batchUsd / 3;
    const path = join(project, 'truebatch.config.yaml');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('model: gemini-2.5-flash', `model: gemini-2.5-flash\nbudget: { maxUsd: ${(perJob * 1.5).toFixed(8)} }`));
    const { server, env } = await emulator();
    const stopped = await runCli(['run', '--project', project], env);
    expect(stopped.code).toBe(4);
    // Jobs are cut while the stage is planned, so by the stop both remaining jobs exist; every request is counted.
    expect(stopped.stderr).toMatch(/budget.*4 request\(s\) remain unsubmitted \(4 in 2 job\(s\), 0 not yet in a job\); raise budget\.maxUsd/s);
    expect(server.stats().batchesCreated).toBe(1);
    const committed = queryLedger<{ usd: number }>(project, "SELECT SUM(COALESCE(actual_usd, estimated_usd)) AS usd FROM jobs WHERE state NOT IN ('planned', 'uploading', 'uploaded')");
    expect(committed[0]?.usd).toBeLessThanOrEqual(perJob * 1.5);

    writeFileSync(path, original.replace('model: gemini-2.5-flash', `model: gemini-2.5-flash\nbudget: { maxUsd: ${(perJob * 10).toFixed(8)} }`));
    const resumed = await runCli(['run', '--project', project], env);
    expect(resumed.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(3);
    expect(server.stats().duplicateKeySubmissions).toBe(0);
  });

  it('sends a canary of the largest documents first, and stops the stage when it fails', async () => {
    const project = makeProject({ count: 5, maxAttempts: 1 });
    const big = join(project, 'docs', 'paper4.json');
    const paper = JSON.parse(readFileSync(big, 'utf8')) as { abstract: string };
    paper.abstract = paper.abstract.repeat(20);
    writeFileSync(big, JSON.stringify(paper));
    appendToConfig(project, '    canary: { size: 2, minValidRate: 0.9 }\n');
    const { server, env } = await emulator({ faults: { lines: { errorRate: 1, keyContains: 'paper4' } } });
    const failed = await runCli(['run', '--project', project], env);
    expect(failed.code).toBe(6);
    expect(failed.stderr).toMatch(/canary for extract: 1 of 2 valid \(50%\), below minValidRate 90%/);
    expect(server.stats().batchesCreated).toBe(1);
    expect(Object.keys(server.stats().submissionsByKey)).toContain('paper4_extract');
    expect(Object.keys(server.stats().submissionsByKey)).toHaveLength(2);
  });

  it('lets the rest of the stage go once the canary passes', async () => {
    const project = makeProject({ count: 5 });
    appendToConfig(project, '    canary: { size: 2, minValidRate: 0.9 }\n');
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const jobs = queryLedger<{ canary: number; request_count: number }>(project, 'SELECT canary, request_count FROM jobs ORDER BY id');
    expect(jobs).toEqual([{ canary: 1, request_count: 2 }, { canary: 0, request_count: 3 }]);
    expect(server.stats().distinctKeysSubmitted).toBe(5);
  });

  it('calibrates estimates from real usage, which changes the next plan', async () => {
    const project = makeProject({ count: 3 });
    const before = await plan(project);
    expect(before.stages[0]?.estimatedTokens.input).toBe(before.stages[0]?.estimatedTokens.uncalibrated.input);
    const { env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const calibration = queryLedger<{ model: string; ratio: number }>(project, 'SELECT model, ratio FROM calibration ORDER BY model');
    expect(calibration.map((row) => row.model)).toEqual(['gemini-2.5-flash:input', 'gemini-2.5-flash:output']);
    const paper = { title: 'A new potassium trial', year: 2024, abstract: 'Exchangeable K rose by 30 mg/kg at 90 kg/ha K2O.' };
    writeFileSync(join(project, 'docs', 'paper9.json'), JSON.stringify(paper));
    const after = await plan(project);
    const ratio = calibration[0]?.ratio ?? 1;
    expect(ratio).not.toBe(1);
    expect(after.stages[0]?.estimatedTokens.input).toBe(Math.ceil((after.stages[0]?.estimatedTokens.uncalibrated.input ?? 0) * ratio));
  });
});
