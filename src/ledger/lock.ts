/**
 * @module The project lock: one `truebatch` process at a time may submit work for a project. A lock whose
 * process has died (a crash, SIGKILL) is taken over, so a crash never blocks the next run.
 */
import { openSync, closeSync, writeSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockedError } from '../shared/index.ts';

/** A held lock; `release` is idempotent. */
export interface ProjectLock {
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file at `path` for this process, or throws {@link LockedError} if a live process holds it. */
export function acquireProjectLock(path: string): ProjectLock {
  mkdirSync(dirname(path), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSafe(path), 10);
      if (Number.isInteger(holder) && holder !== process.pid && processIsAlive(holder)) {
        throw new LockedError(
          `another truebatch process (pid ${holder}) is working on this project; wait for it or stop it (lock: ${path})`,
        );
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new LockedError(`could not take the project lock ${path}`);
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
