import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockedError } from '../shared/index.ts';
import { acquireProjectLock } from './lock.ts';

describe('project lock', () => {
  it('refuses a second holder while the first lives, and frees on release', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-lock-')), 'lock');
    // A live process other than us holds it: our parent (the test runner's process tree).
    writeFileSync(path, String(process.ppid));
    expect(() => acquireProjectLock(path)).toThrow(LockedError);
    writeFileSync(path, '');
    const lock = acquireProjectLock(path);
    expect(existsSync(path)).toBe(true);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose process died', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-lock-')), 'lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(path, dead);
    const lock = acquireProjectLock(path);
    lock.release();
  });
});
