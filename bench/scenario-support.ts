/**
 * @module What every scenario shares: the environment it runs in, `truebatch run` as a sampled child process
 * pointed at an emulator, read-only ledger queries, and the size of downloaded results.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Cleanup } from './cleanup.ts';
import { runSampled, type SampledRun } from './process-sampler.ts';

/** Where and how scenarios run. */
export interface BenchEnv {
  /** The built CLI entry (dist/cli/main.js). */
  cliPath: string;
  /** The naive baseline, transpiled (dist/bench/naive-baseline.js). */
  naivePath: string;
  /** Where big corpora are kept between runs (`--corpus-cache`), if anywhere. */
  corpusCache?: string;
  /** The environment children inherit (the bench adds the Gemini variables). */
  baseEnv: NodeJS.ProcessEnv;
  seed: number;
  cleanup: Cleanup;
  log(message: string): void;
}

/** The API key shared by the emulator child and the CLI child; a throwaway value. */
export const BENCH_API_KEY = 'bench-local-key';

/** Runs `truebatch <command> --project <dir>` (default `run`) against `emulatorUrl`, logging to `<dir>/../cli.log`. */
export function runTruebatch(env: BenchEnv, projectDir: string, emulatorUrl: string, timeoutMs: number, command: 'run' | 'plan' = 'run'): Promise<SampledRun> {
  return runSampled(process.execPath, [env.cliPath, command, '--project', projectDir], {
    cwd: projectDir,
    env: { ...env.baseEnv, GEMINI_API_KEY: BENCH_API_KEY, GOOGLE_GEMINI_BASE_URL: emulatorUrl },
    logFile: join(projectDir, '..', 'cli.log'),
    timeoutMs,
  }, env.cleanup).done;
}

/** One read-only query on a project's ledger. */
export function queryLedger<T>(projectDir: string, sql: string): T[] {
  const db = new Database(join(projectDir, '.truebatch', 'ledger.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Total bytes of the files directly in `dir` (0 if it does not exist). */
export function filesBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  } catch {
    return 0;
  }
  return total;
}

/** `1.5 MB`-style size. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The last few hundred characters of a log file, on one line (for a failure note). */
export function logTail(path: string, chars = 300): string {
  try {
    const size = statSync(path).size;
    const buffer = Buffer.alloc(Math.min(size, chars));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    } finally {
      closeSync(fd);
    }
    return buffer.toString('utf8').replace(/\s+/g, ' ').trim();
  } catch {
    return '(no log)';
  }
}

/**
 * Flushes dirty pages to disk (`sync`, not blocking the event loop), so writeback of what the previous step wrote (the corpus, the floor's
 * files) does not slow the next timed step down.
 */
export async function flushDisk(): Promise<void> {
  const sync = spawn('sync', { stdio: 'ignore' });
  await once(sync, 'close');
}
