/** @module Tests for atomic writes, against the real file system. */
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemError } from '../shared/index.ts';
import { TEMP_FILE_PREFIX, describeWriteError, writeFailureReason, writeFileAtomic } from './write-file-atomic.ts';

// As root, chmod does not stop writes, so the read-only-directory case cannot fail there.
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-atomic-'));
});
afterEach(async () => {
  await chmod(dir, 0o755);
  await rm(dir, { recursive: true, force: true });
});

function thrownBy(write: () => void): unknown {
  try {
    write();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function tempFilesIn(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.startsWith(TEMP_FILE_PREFIX));
}

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces an existing file, and leaves no temp file', async () => {
    const path = join(dir, 'out.json');
    writeFileAtomic(path, '{"v":1}');
    expect(await readFile(path, 'utf8')).toBe('{"v":1}');
    writeFileAtomic(path, new Uint8Array([0xe7, 0xa0, 0x94]));
    expect(await readFile(path, 'utf8')).toBe('研');
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('leaves no temp files after many writes to the same name, and the last one stands whole', async () => {
    const path = join(dir, 'race.txt');
    const contents = Array.from({ length: 20 }, (_, i) => `writer-${i}-`.repeat(1000));
    for (const text of contents) writeFileAtomic(path, text);
    expect(await readFile(path, 'utf8')).toBe(contents.at(-1));
    expect(await readdir(dir)).toEqual(['race.txt']);
  });

  it.skipIf(isRoot)('reports permission denied in a read-only folder, keeping the old file and no temp', async () => {
    const path = join(dir, 'out.json');
    await writeFile(path, 'old');
    await chmod(dir, 0o555);
    const error = thrownBy(() => writeFileAtomic(path, 'new'));
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toBe(`permission denied writing ${path}`);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await tempFilesIn(dir)).toEqual([]);
  });

  it('fails with the path when the parent is a file, creating nothing', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'old');
    const path = join(blocker, 'out.json');
    const error = thrownBy(() => writeFileAtomic(path, 'new'));
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toContain(path);
    expect(await readFile(blocker, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['not-a-folder']);
  });

  it('removes the temp file when the final rename fails, leaving what stood there intact', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside.txt'), 'keep');
    const error = thrownBy(() => writeFileAtomic(path, 'data that was fully written to the temp file'));
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toContain(path);
    expect(await tempFilesIn(dir)).toEqual([]);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readFile(join(path, 'inside.txt'), 'utf8')).toBe('keep');
  });
});

describe('writeFailureReason', () => {
  it('names full disks, read-only file systems and denied permissions, else passes the OS message on', () => {
    const osError = (code: string) => Object.assign(new Error(`${code}: boom`), { code });
    expect(writeFailureReason(osError('EDQUOT'))).toBe('disk full');
    expect(writeFailureReason(osError('EROFS'))).toBe('read-only file system');
    expect(writeFailureReason(osError('EPERM'))).toBe('permission denied');
    expect(writeFailureReason(osError('EIO'))).toBe('EIO: boom');
  });
});

describe('describeWriteError', () => {
  it('says disk full, permission denied, or the OS reason, keeping the cause', () => {
    const osError = (code: string) => Object.assign(new Error(`${code}: boom`), { code });
    expect(describeWriteError('/o/a.json', osError('ENOSPC')).message).toBe('disk full while writing /o/a.json');
    expect(describeWriteError('/o/a.json', osError('EACCES')).message).toBe('permission denied writing /o/a.json');
    expect(describeWriteError('/o/a.json', osError('EROFS')).message).toBe('read-only file system: cannot write /o/a.json');
    const other = osError('EIO');
    const described = describeWriteError('/o/a.json', other);
    expect(described.message).toBe('could not write /o/a.json: EIO: boom');
    expect(described.cause).toBe(other);
  });
});
