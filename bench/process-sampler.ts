/**
 * @module Runs a child process, bounded in time, and samples its peak resident set size: the kernel's high-water
 * mark `VmHWM` in /proc/<pid>/status, read every `sampleIntervalMs` until the child exits. VmHWM only grows, so
 * the last sample misses at most what the child allocated in its final interval.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/shared/index.ts';
import type { Cleanup } from './cleanup.ts';

/** How a sampled child ended. */
export interface SampledRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Epoch ms at spawn, to line up with the ledger's timestamps. */
  startedAtMs: number;
  /** Highest VmHWM seen, in bytes (0 if the child died before the first sample). */
  peakRssBytes: number;
  /** When VmHWM last grew, in ms after spawn (which phase the peak belongs to). */
  peakAtMs: number;
  timedOut: boolean;
}

/** A running sampled child. */
export interface SampledChild {
  child: ChildProcess;
  /** Resolves when the child has exited. */
  done: Promise<SampledRun>;
}

/** How to run the child. */
export interface SampleOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go to this file; with `pipeStdout`, only stderr does. */
  logFile: string;
  pipeStdout?: boolean;
  /** SIGTERM after this long, SIGKILL 5 s later. */
  timeoutMs: number;
  /** @default 50 */
  sampleIntervalMs?: number;
}

/** The VmHWM of `pid` in bytes, or undefined once the process is gone (or a zombie). */
export async function readPeakRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `command args` with sampling; the child is tracked by `cleanup` so it never outlives the bench. */
export function runSampled(command: string, args: readonly string[], options: SampleOptions, cleanup: Cleanup): SampledChild {
  const log = openSync(options.logFile, 'a');
  const startedAtMs = systemClock.now();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', options.pipeStdout ? 'pipe' : log, log],
  });
  closeSync(log);
  cleanup.trackChild(child);
  const exited = new AbortController();
  let peak = 0;
  let peakAtMs = 0;
  let timedOut = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; wallMs: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, wallMs: performance.now() - started });
      exited.abort();
    });
    child.once('error', () => {
      resolve({ code: null, signal: null, wallMs: performance.now() - started });
      exited.abort();
    });
  });
  const sampling = (async () => {
    const pid = child.pid;
    while (pid !== undefined && !exited.signal.aborted) {
      const sample = (await readPeakRss(pid)) ?? 0;
      if (sample > peak) {
        peak = sample;
        peakAtMs = performance.now() - started;
      }
      await systemClock.sleep(options.sampleIntervalMs ?? 50, exited.signal).catch(() => undefined);
    }
  })();
  const watchdog = (async () => {
    await systemClock.sleep(options.timeoutMs, exited.signal);
    timedOut = true;
    child.kill('SIGTERM');
    await systemClock.sleep(5000, exited.signal);
    child.kill('SIGKILL');
  })().catch(() => undefined);
  const done = (async (): Promise<SampledRun> => {
    const ended = await exit;
    await Promise.all([sampling, watchdog]);
    return { ...ended, startedAtMs, peakRssBytes: peak, peakAtMs, timedOut };
  })();
  return { child, done };
}
