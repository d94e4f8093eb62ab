/**
 * @module The polling scenario: a small corpus whose job takes a set time at the emulator, run with realistic
 * polling. It measures how long after the job really ended (the emulator's `endTime`) the CLI saw it
 * (`jobs.finished_at`) and had collected it (`jobs.collected_at`), and how many status calls (`batches.get`) it
 * made per hour of job time. `modelPolling` replays the engine's own schedule (`pollInterval`) for longer jobs.
 */
import { join } from 'node:path';
import { pollInterval } from '../src/engine/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { writeCorpus, writeProject } from './corpus.ts';
import { startEmulatorChild } from './emulator-child.ts';
import { BENCH_API_KEY, logTail, queryLedger, runTruebatch, type BenchEnv } from './scenario-support.ts';

/** The polling config of the scenario: the defaults a user gets (keep in step with src/config's polling schema). */
export const REALISTIC_POLLING = { initialIntervalMs: 1000, maxIntervalMs: 600_000, backoffFactor: 1.5 };

/** What the polling scenario measured. */
export interface PollingResult {
  status: 'ok' | 'failed' | 'timed out';
  note?: string;
  measuredAt: string;
  /** The commit measured (`+`: with uncommitted changes in src/). */
  code?: string;
  documents: number;
  /** The emulator's configured running time. */
  jobDurationMs: number;
  /** createTime → endTime at the emulator (includes its pending time). */
  jobMs: number;
  /** endTime → the CLI recorded the terminal state. */
  detectLagMs: number;
  /** endTime → the CLI had collected every result. */
  collectLagMs: number;
  statusCalls: number;
  wallMs: number;
}

/**
 * Replays the engine's schedule (`pollInterval`) for a job that ends `jobMs` after submission: the status calls
 * it makes, how long after the end its first poll comes, and the interval in force then (the worst case for a job
 * ending just after the previous poll).
 */
export function modelPolling(jobMs: number, polling = REALISTIC_POLLING): { calls: number; lagMs: number; worstLagMs: number } {
  let at = polling.initialIntervalMs;
  let interval = at;
  let calls = 1;
  while (at < jobMs) {
    interval = pollInterval(at, interval, polling);
    at += interval;
    calls++;
  }
  return { calls, lagMs: at - jobMs, worstLagMs: interval };
}

/** Status calls per hour of job time. */
export function callsPerJobHour(calls: number, jobMs: number): number {
  return jobMs > 0 ? calls / (jobMs / 3_600_000) : 0;
}

function rfc3339Ms(value: unknown): number {
  // Google prints nanoseconds; Date.parse wants at most milliseconds.
  return typeof value === 'string' ? Date.parse(value.replace(/(\.\d{3})\d*Z$/, '$1Z')) : Number.NaN;
}

/** Runs the scenario; the temp folder and children are gone when it returns or throws. */
export async function runPolling(env: BenchEnv, options: { jobDurationMs: number; documents: number }): Promise<PollingResult> {
  const measuredAt = new Date(systemClock.now()).toISOString();
  const dir = env.cleanup.tempDir('tb-bench-polling-');
  try {
    const projectDir = join(dir, 'project');
    await writeCorpus(projectDir, { count: options.documents, docBytes: 2_000, seed: env.seed });
    writeProject(projectDir, { polling: REALISTIC_POLLING });
    env.log(`polling: ${options.documents} documents, job of ${options.jobDurationMs / 1000} s`);
    const emulator = await startEmulatorChild(
      { cliPath: env.cliPath, dir, apiKey: BENCH_API_KEY, jobDurationMs: options.jobDurationMs, baseEnv: env.baseEnv, timeoutMs: 10 * 60_000 },
      env.cleanup,
    );
    try {
      const cli = await runTruebatch(env, projectDir, emulator.url, Math.max(5 * 60_000, options.jobDurationMs * 3));
      // Read the counters before our own GET below, which would count as one more `batches.get`.
      const statusCalls = (await emulator.stats()).endpointCalls['batches.get'] ?? 0;
      const [job] = queryLedger<{ remote_name: string; finished_at: number; collected_at: number }>(
        projectDir,
        'SELECT remote_name, finished_at, collected_at FROM jobs ORDER BY id LIMIT 1',
      );
      const status = cli.timedOut ? 'timed out' : cli.code === 0 && job ? 'ok' : 'failed';
      const operation = job ? ((await emulator.getJson(job.remote_name)) as { metadata?: { createTime?: string; endTime?: string } }) : {};
      const createdAt = rfc3339Ms(operation.metadata?.createTime);
      const endedAt = rfc3339Ms(operation.metadata?.endTime);
      const result: PollingResult = {
        status,
        measuredAt,
        documents: options.documents,
        jobDurationMs: options.jobDurationMs,
        jobMs: endedAt - createdAt,
        detectLagMs: (job?.finished_at ?? Number.NaN) - endedAt,
        collectLagMs: (job?.collected_at ?? Number.NaN) - endedAt,
        statusCalls,
        wallMs: cli.wallMs,
        ...(status === 'ok' ? {} : { note: `exit ${cli.code ?? cli.signal}: ${logTail(join(dir, 'cli.log'))}` }),
      };
      env.log(`polling: ${status}; collected ${(result.collectLagMs / 1000).toFixed(2)} s after the job ended, ${statusCalls} status calls`);
      return result;
    } finally {
      await emulator.stop();
    }
  } finally {
    await env.cleanup.removeDir(dir);
  }
}
