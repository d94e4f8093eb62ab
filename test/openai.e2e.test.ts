/**
 * The OpenAI provider end to end: the CLI against the emulator's OpenAI Batch API over HTTP, through the official
 * SDK. Soil-k runs on the embedded OpenAI emulator by changing one line, and its actual cost is the usage in the
 * downloaded result files times the batch prices; each OpenAI trap (spec §10a; research P9, P10, P25) is a scripted
 * emulator fault the run survives.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPriceTable } from '../src/cost/index.ts';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator/index.ts';
import { runCli } from './support/cli.ts';
import { copySoilK, makeProject, outputFiles, queryLedger } from './support/project.ts';

const KEY = 'openai-e2e-key';
const MODEL = 'gpt-4.1-mini';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** An emulator and the environment that points the CLI's `openai` provider at its OpenAI API. */
async function openAiEmulator(options: EmulatorOptions = {}): Promise<{ server: RunningEmulator; env: Record<string, string> }> {
  const server = await startEmulator({ apiKey: KEY, jobDurationMs: 150, pendingMs: 50, ...options });
  running.push(server);
  return { server, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiUrl } };
}

interface UsageLine {
  custom_id: string;
  response: { status_code: number; body: { usage?: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } } } | null;
}

/** The batch cost of every 200 line in the project's downloaded result files, computed here from OpenAI's usage. */
function costOfResultFiles(project: string, model: string): { usd: number; lines: number } {
  const price = createPriceTable().priceFor(model);
  const dir = join(project, '.truebatch', 'results');
  let usd = 0;
  let lines = 0;
  for (const name of readdirSync(dir)) {
    for (const text of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as UsageLine;
      const usage = line.response?.body.usage;
      if (line.response === null || line.response.status_code >= 400 || usage === undefined) continue;
      lines++;
      const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
      // OpenAI's batch tier halves cache hits too (prices.json: batchDiscountsCacheHits).
      const tokensUsd = (usage.prompt_tokens - cached) * price.inputPerMTok + cached * price.cachedInputPerMTok + usage.completion_tokens * price.outputPerMTok;
      usd += (tokensUsd / 1e6) * price.batchFactor;
    }
  }
  return { usd, lines };
}

describe('the OpenAI provider (end to end)', () => {
  it('runs soil-k on the embedded OpenAI emulator by changing one line; plan prices it, and the actual cost is the result files’ usage at batch prices', async () => {
    const project = copySoilK();
    const path = join(project, 'truebatch.config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provider: emulator\nmodel: gemini-2.5-flash$/m, `provider: openai-emulator\nmodel: ${MODEL}`));

    const planned = await runCli(['plan', '--project', project, '--json'], {});
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.stdout) as { estimatedCost: { standardUsd: number; batchUsd: number } };
    expect(plan.estimatedCost.batchUsd).toBeGreaterThan(0);
    expect(plan.estimatedCost.batchUsd).toBeCloseTo(plan.estimatedCost.standardUsd * 0.5, 12);

    const run = await runCli(['run', '--project', project], {});
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'stage_1a'))).toHaveLength(24);
    expect(outputFiles(join(project, 'outputs', 'stage_2a'))).toHaveLength(24);
    const remote = queryLedger<{ remote_name: string }>(project, 'SELECT remote_name FROM jobs');
    expect(remote.every((job) => job.remote_name.startsWith('batch_'))).toBe(true);

    const expected = costOfResultFiles(project, MODEL);
    expect(expected.lines).toBeGreaterThanOrEqual(48);
    const report = JSON.parse((await runCli(['report', '--project', project, '--json'], {})).stdout) as { total: { actual: { batchUsd: number } } };
    expect(report.total.actual.batchUsd).toBeCloseTo(expected.usd, 12);
  });

  it('refuses at plan time a model OpenAI does not serve, naming it (the config\'s model is used as it is)', async () => {
    const project = copySoilK();
    const path = join(project, 'truebatch.config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provider: emulator$/m, 'provider: openai-emulator'));
    const refused = await runCli(['plan', '--project', project], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('gemini-2.5-flash is not an OpenAI model');
  });

  it('finds a batch whose create answer was lost by its metadata tag: exactly one batch (the SDK never retries the POST)', async () => {
    const { server, env } = await openAiEmulator({ faults: { http: [{ endpoint: 'openai.batches.create', fault: 'dropAfter', nth: 1 }] } });
    const project = makeProject({ count: 4, provider: 'openai', model: MODEL });
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(0);
    expect(server.stats().openai.batchesCreated).toBe(1);
    expect(queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM events WHERE kind = 'job-create-uncertain'")[0]?.n).toBe(1);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(4);
  });

  it('reads a completed batch with only an error file of 400s hidden in "response" as failed lines, and resubmits them as a new batch', async () => {
    const { server, env } = await openAiEmulator({ faults: { openai: { batches: [{ nth: 1, outcome: 'all-failed' }] } } });
    const project = makeProject({ count: 3, provider: 'openai', model: MODEL });
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(0);
    expect(server.stats().openai.batchesCreated).toBe(2);
    expect(server.stats().openai.linesRejected).toBe(3);
    const first = queryLedger<{ state: string; reason: string }>(project, 'SELECT state, reason FROM attempts WHERE attempt_no = 1');
    expect(first).toHaveLength(3);
    for (const attempt of first) expect(attempt.reason).toMatch(/provider error 400: context_length_exceeded/);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
  });
});
