import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemError, filesystemErrorFrom } from './errors.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('filesystemErrorFrom', () => {
  it('turns a Node file system error into a plain message naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-errors-'));
    writeFileSync(join(dir, 'file'), 'x');
    const notDir = filesystemErrorFrom(thrown(() => mkdirSync(join(dir, 'file', 'sub'))));
    expect(notDir).toBeInstanceOf(FilesystemError);
    expect(notDir?.message).toBe(`cannot mkdir ${join(dir, 'file', 'sub')}: a part of the path is a file, not a folder`);
    const exists = filesystemErrorFrom(thrown(() => mkdirSync(join(dir, 'file'))));
    expect(exists?.message).toBe(`cannot mkdir ${join(dir, 'file')}: a file stands there, not a folder`);
  });

  it('leaves other errors alone', () => {
    expect(filesystemErrorFrom(new TypeError('x'))).toBeUndefined();
    expect(filesystemErrorFrom('text')).toBeUndefined();
  });
});
