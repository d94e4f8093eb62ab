/**
 * @module Small tmpfs mounts for filesystem tests (a full disk, a read-only folder). Needs root and a kernel that
 * lets this process mount; {@link tmpfsUnavailable} says why not when it cannot.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmdirSync, writeSync, ftruncateSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function mount(args: readonly string[]): void {
  execFileSync('mount', [...args], { stdio: 'pipe' });
}

/** Why tmpfs mounts cannot be used here, or undefined when they can (checked once by mounting a probe). */
export const tmpfsUnavailable: string | undefined = (() => {
  if (process.getuid?.() !== 0) return 'not running as root, so tmpfs cannot be mounted';
  const probe = mkdtempSync(join(tmpdir(), 'tb-tmpfs-probe-'));
  try {
    mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed here: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  } finally {
    rmdirSync(probe);
  }
})();

const mounted = new Set<string>();

/** Mounts a tmpfs of `sizeKiB` at `dir` (created if needed). */
export function mountTmpfs(dir: string, sizeKiB: number): void {
  mkdirSync(dir, { recursive: true });
  mount(['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir]);
  mounted.add(dir);
}

/** Remounts a tmpfs read-only (`true`) or read-write (`false`). */
export function setReadOnly(dir: string, readOnly: boolean): void {
  mount(['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir]);
}

/** Unmounts every tmpfs this module mounted (lazily, so an open file cannot keep it). */
export function unmountAll(): void {
  for (const dir of mounted) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // Already gone: nothing to undo.
    }
    mounted.delete(dir);
  }
}

/**
 * Fills the file system holding `dir` with `path`, then frees `leaveBytes` of it again (rounded by the file
 * system to whole pages), so the next writes run out of space.
 */
export function fillDisk(path: string, leaveBytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.alloc(4096, 0x41);
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch {
        break;
      }
    }
    const size = fstatSync(fd).size;
    ftruncateSync(fd, Math.max(0, size - leaveBytes));
  } finally {
    closeSync(fd);
  }
}
