/**
 * @module Runs a child process, bounded in time, and samples its peak resident set size: the kernel's high-water
 * mark `VmHWM` in /proc/<pid>/status, read every `sampleIntervalMs` until the child exits. VmHWM only grows, so
 * the last sample misses at most what the child allocated in its final interval. Its CPU time (all threads, from
 * /proc/<pid>/stat) is sampled alongside, and misses the same last interval.
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
  /** User and system CPU of every thread, in ms, at the last sample. */
  cpuMs: number;
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

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on every Linux architecture node runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU of `pid` (all its threads) in ms, or undefined once the process is gone. */
export async function readCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
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
  let cpuMs = 0;
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
      cpuMs = (await readCpuMs(pid)) ?? cpuMs;
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
    return { ...ended, startedAtMs, peakRssBytes: peak, peakAtMs, cpuMs, timedOut };
  })();
  return { child, done };
}
