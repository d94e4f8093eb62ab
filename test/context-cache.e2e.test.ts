/**
 * Context caching end to end on the emulator: a stage whose 5,000-token shared context pays off gets one explicit
 * cache, named by every request of its job; every answer reports cached tokens; the cache is deleted once the job
 * is collected; and the report prices the cached and uncached tokens exactly. A context under the model's minimum
 * gets no cache, and plan says why in both cases. A run killed (SIGKILL) once its cache exists but before its job
 * does leaves no orphan cache after the next run.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPriceTable } from '../src/cost/index.ts';
import { emulatorPerTest } from './support/emulator.ts';
import type { Failpoint } from '../src/engine/index.ts';
import { runCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

interface ContextPlan {
  stages: { context?: { sharedTokens: number; requests: number; decision: { explicit: boolean; reason: string } } }[];
}

/** A project of `count` papers whose stage shares the codebook `context/codebook.md` of about `tokens` tokens. */
function projectWithContext(count: number, tokens: number, contextYaml = ''): string {
  const project = makeProject({ count });
  mkdirSync(join(project, 'context'));
  const sentence = 'Exchangeable potassium is extracted with 1 M ammonium acetate at pH 7 and reported in mg/kg. ';
  writeFileSync(join(project, 'context', 'codebook.md'), sentence.repeat(Math.ceil((tokens * 4) / sentence.length)).slice(0, tokens * 4));
  const config = join(project, 'truebatch.config.yaml');
  writeFileSync(config, `${readFileSync(config, 'utf8')}    context: { files: [context/codebook.md], expectedHours: 1${contextYaml} }\n`);
  return project;
}

async function planOf(project: string): Promise<ContextPlan> {
  const result = await runCli(['plan', '--project', project, '--json'], {});
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ContextPlan;
}

describe('context caching (end to end)', () => {
  it('caches a 5,000-token context once for 200 documents, reports cached tokens, deletes the cache, and prices it exactly', async () => {
    const project = projectWithContext(200, 5000);
    const planned = (await planOf(project)).stages[0]?.context;
    expect(planned?.requests).toBe(200);
    expect(planned?.decision.explicit).toBe(true);
    expect(planned?.decision.reason).toMatch(/^explicit cache pays off: \d+ shared tokens × 200 requests save \$[\d.]+; storage for 1 h costs \$[\d.]+$/);
    const text = await runCli(['plan', '--project', project], {});
    expect(text.stdout).toContain('extract: shared context of about');

    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code, run.stderr).toBe(0);
    expect(server.stats()).toMatchObject({ cachesCreated: 1, cachesDeleted: 1, cachesLive: 0 });

    const price = createPriceTable().priceFor('gemini-2.5-flash');
    let expectedUsd = 0;
    let answers = 0;
    const resultsDir = join(project, '.truebatch', 'results');
    for (const name of readdirSync(resultsDir)) {
      for (const line of readFileSync(join(resultsDir, name), 'utf8').trim().split('\n')) {
        const usage = (JSON.parse(line) as { response: { usageMetadata: Record<string, number | undefined> } }).response.usageMetadata;
        const prompt = usage['promptTokenCount'] ?? 0;
        const cached = usage['cachedContentTokenCount'] ?? 0;
        expect(cached).toBeGreaterThanOrEqual(5000);
        const output = (usage['candidatesTokenCount'] ?? 0) + (usage['thoughtsTokenCount'] ?? 0);
        expectedUsd += ((prompt - cached) * price.inputPerMTok + output * price.outputPerMTok) * price.batchFactor / 1e6 + (cached * price.cachedInputPerMTok) / 1e6;
        answers++;
      }
    }
    expect(answers).toBe(200);
    const report = JSON.parse((await runCli(['report', '--project', project, '--json'], {})).stdout) as {
      total: { tokens: { cached: number }; actual: { batchUsd: number; cacheSavingUsd: number } };
    };
    expect(Math.abs(report.total.actual.batchUsd - expectedUsd)).toBeLessThan(1e-9);
    expect(report.total.tokens.cached).toBeGreaterThanOrEqual(200 * 5000);
    expect(report.total.actual.cacheSavingUsd).toBeCloseTo((report.total.tokens.cached * (price.inputPerMTok * price.batchFactor - price.cachedInputPerMTok)) / 1e6, 12);
  });

  it('chooses no explicit cache for a shared context under the model minimum, even forced, and says why', async () => {
    const project = projectWithContext(20, 600, ', cache: always');
    const planned = (await planOf(project)).stages[0]?.context;
    expect(planned?.decision.explicit).toBe(false);
    expect(planned?.decision.reason).toMatch(/^no explicit cache: the shared context has about \d+ tokens, under the model's minimum of 1024 cacheable tokens/);
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(server.stats()).toMatchObject({ cachesCreated: 0 });
  });

  // Killed once the provider made the cache: before the ledger holds its name (found again by display name), and
  // after (deleted by name). Either way the cache has no job yet, so the next run deletes it and makes its own.
  it.each<Failpoint>(['after-cache-create', 'after-cache-record'])('SIGKILL %s, before the job exists: the next run leaves no orphan cache', async (failpoint) => {
    const project = projectWithContext(40, 5000);
    expect((await planOf(project)).stages[0]?.context?.decision.explicit).toBe(true);
    const { server, env } = await emulator();

    const killed = await runCli(['run', '--project', project], { ...env, TRUEBATCH_FAILPOINT: failpoint });
    expect(killed.signal).toBe('SIGKILL');
    expect(server.stats()).toMatchObject({ cachesCreated: 1, cachesLive: 1, batchesCreated: 0 });

    const resumed = await runCli(['run', '--project', project], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.stats()).toMatchObject({ cachesCreated: 2, cachesDeleted: 2, cachesLive: 0, batchesCreated: 1 });
    const caches = queryLedger<{ state: string }>(project, 'SELECT state FROM caches ORDER BY id');
    expect(caches.map((cache) => cache.state)).toEqual(['deleted', 'deleted']);
    const jobs = queryLedger<{ display_name: string; remote_name: string | null }>(project, 'SELECT display_name, remote_name FROM jobs');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.remote_name).toMatch(/^batches\//);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(40);
    expect(server.stats().duplicateKeySubmissions).toBe(0);
  });
});
