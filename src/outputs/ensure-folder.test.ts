/** @module Tests for creating folders with a clear error, against the real file system. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemError } from '../shared/index.ts';
import { ensureFolder } from './ensure-folder.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'truebatch-ensure-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ensureFolder', () => {
  it('creates missing parents and accepts a folder that exists', () => {
    const target = join(dir, 'outputs', 'extract');
    ensureFolder(target, 'output folder');
    ensureFolder(target, 'output folder');
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it('names the file that stands where a folder is needed, itself or a parent', () => {
    const blocker = join(dir, 'outputs');
    writeFileSync(blocker, 'x');
    const error = (() => {
      try {
        ensureFolder(join(blocker, 'extract'), 'output folder');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toBe(`cannot create the output folder ${join(blocker, 'extract')}: ${blocker} is a file, not a folder`);
    expect(() => ensureFolder(blocker, 'state folder')).toThrow(`cannot create the state folder ${blocker}: ${blocker} is a file, not a folder`);
  });
});
