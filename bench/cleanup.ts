/**
 * @module What a benchmark must undo even when it fails or is interrupted: its child processes and temp folders.
 * Interrupted, it kills the children, waits until they are really dead (a live CLI recreates its output folder for
 * every file it writes), then removes the folders. On Ctrl-C this is done without blocking the event loop, because
 * tsx's parent process SIGKILLs a child that does not acknowledge the signal within 30 ms; the exit hook repeats
 * it synchronously as a last resort.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/shared/index.ts';

/** Tracks children and temp folders, and removes them on demand or when the bench process ends. */
export interface Cleanup {
  /** Remembers a child so it is killed if still running at exit. */
  trackChild(child: ChildProcess): void;
  /** A fresh temp folder, removed at exit unless removed earlier. */
  tempDir(prefix: string): string;
  /** Removes a temp folder now (asynchronously, so a Ctrl-C meanwhile is still handled at once). */
  removeDir(dir: string): Promise<void>;
  /** Kills every tracked child (SIGKILL), waits up to 5 s for them to die, then removes every temp folder. */
  runAll(): void;
  /** True once SIGINT or SIGTERM arrived: results from now on are not worth recording. */
  readonly interrupted: boolean;
}

function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (error) {
    process.stderr.write(`bench: could not remove ${dir}: ${String(error)}\n`);
  }
}

/** Still running (not gone, not a zombie). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Blocks until none of `pids` runs, or `ms` have passed. */
function waitUntilDead(pids: readonly number[], ms: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + ms;
  while (pids.some(isRunning) && performance.now() < deadline) Atomics.wait(pause, 0, 0, 20);
}

/** Creates the cleanup registry and hooks it to SIGINT, SIGTERM and exit. */
export function createCleanup(): Cleanup {
  const children = new Map<ChildProcess, Promise<void>>();
  const dirs = new Set<string>();
  let stopping = false;
  const cleanup: Cleanup = {
    get interrupted() {
      return stopping;
    },
    trackChild(child) {
      children.set(child, new Promise((resolve) => child.once('exit', () => resolve())));
      child.once('exit', () => children.delete(child));
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.add(dir);
      return dir;
    },
    async removeDir(dir) {
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      dirs.delete(dir);
    },
    runAll() {
      const pids = [...children.keys()].map((child) => child.pid).filter((pid) => pid !== undefined);
      for (const child of children.keys()) child.kill('SIGKILL');
      children.clear();
      waitUntilDead(pids, 5000);
      for (const dir of dirs) removeQuietly(dir);
      dirs.clear();
    },
  };
  const interrupt = (code: number) => (): void => {
    if (stopping) return;
    stopping = true;
    const exited = [...children.values()];
    for (const child of children.keys()) child.kill('SIGKILL');
    void (async () => {
      await Promise.race([Promise.all(exited), systemClock.sleep(5000)]);
      // Folders stay registered: the exit hook removes anything recreated meanwhile.
      for (const dir of dirs) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => undefined);
    })().finally(() => process.exit(code));
  };
  // `on`, not `once`: a second Ctrl-C must not fall back to the default exit, which would skip the cleanup.
  process.on('SIGINT', interrupt(130));
  process.on('SIGTERM', interrupt(143));
  process.once('exit', () => cleanup.runAll());
  return cleanup;
}
