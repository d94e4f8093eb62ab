/** @module Tests for the output writer, with its real worker thread and real files. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemError } from '../shared/index.ts';
import { OutputWriter } from './output-writer.ts';

let dir: string;
let writer: OutputWriter;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tb-output-writer-'));
  writer = new OutputWriter();
});
afterEach(async () => {
  await writer.close();
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe('OutputWriter', () => {
  it('writes every file whole, and reports each only once it is on disk', async () => {
    const count = 1000; // several batches, with some in flight at once
    const reported: string[] = [];
    for (let i = 0; i < count; i++) {
      const path = join(dir, `out-${i}.json`);
      await writer.write({ path, text: `{"n":${i}}\n` }, () => {
        // On disk, whole, when reported.
        expect(readFileSync(path, 'utf8')).toBe(`{"n":${i}}\n`);
        reported.push(path);
      });
    }
    await writer.flush();
    expect(reported).toHaveLength(count);
    expect(new Set(reported).size).toBe(count);
    expect(readdirSync(dir)).toHaveLength(count);
  });

  it('says which file failed and why, reports the files that were written, and leaves no temp file', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    mkdirSync(join(dir, 'ok'));
    const reported: string[] = [];
    const files = [join(dir, 'ok', 'a.json'), join(blocker, 'b.json'), join(dir, 'ok', 'c.json')];
    for (const path of files) await writer.write({ path, text: '{}\n' }, () => reported.push(path));
    const error = await writer.flush().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FilesystemError);
    expect((error as Error).message).toContain(join(blocker, 'b.json'));
    expect(reported).toEqual([files[0], files[2]]);
    expect(readdirSync(join(dir, 'ok')).sort()).toEqual(['a.json', 'c.json']);
    // After a failure, nothing more is taken.
    await expect(writer.write({ path: join(dir, 'ok', 'd.json'), text: '{}\n' }, () => reported.push('d'))).rejects.toBe(error);
    await expect(writer.flush()).rejects.toBe(error);
    expect(reported).toHaveLength(2);
  });

  it('stops at the first callback that throws (the ledger could not record) and reports that error', async () => {
    const reported: number[] = [];
    const ledgerFull = new Error('SQLITE_FULL: database or disk is full');
    for (let i = 0; i < 600; i++) {
      await writer
        .write({ path: join(dir, `out-${i}.json`), text: '{}\n' }, () => {
          if (i === 3) throw ledgerFull;
          reported.push(i);
        })
        .catch(() => undefined);
    }
    await expect(writer.flush()).rejects.toBe(ledgerFull);
    expect(reported).toEqual([0, 1, 2]);
    await expect(writer.write({ path: join(dir, 'late.json'), text: '{}\n' }, () => reported.push(-1))).rejects.toBe(ledgerFull);
  });

  it('flushes with nothing queued, and can be closed before it ever started its thread', async () => {
    await writer.flush();
    await writer.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});
