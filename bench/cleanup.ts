/**
 * @module What a benchmark must undo even when it fails or is interrupted: its child processes and temp folders.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tracks children and temp folders, and removes them on demand or when the bench process ends. */
export interface Cleanup {
  /** Remembers a child so it is killed if still running at exit. */
  trackChild(child: ChildProcess): void;
  /** A fresh temp folder, removed at exit unless removed earlier. */
  tempDir(prefix: string): string;
  /** Removes a temp folder now. */
  removeDir(dir: string): void;
  /** Kills every tracked child (SIGKILL) and removes every temp folder, synchronously. */
  runAll(): void;
}

/** Creates the cleanup registry and hooks it to exit, SIGINT and SIGTERM. */
export function createCleanup(): Cleanup {
  const children = new Set<ChildProcess>();
  const dirs = new Set<string>();
  const cleanup: Cleanup = {
    trackChild(child) {
      children.add(child);
      child.once('exit', () => children.delete(child));
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.add(dir);
      return dir;
    },
    removeDir(dir) {
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    runAll() {
      for (const child of children) child.kill('SIGKILL');
      children.clear();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      dirs.clear();
    },
  };
  process.once('exit', () => cleanup.runAll());
  // Exiting runs the 'exit' hook above, so an interrupted bench leaves nothing behind.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  return cleanup;
}
