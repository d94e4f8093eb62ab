import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLinesFrom } from './line-reader.ts';

const temp = { dir: mkdtempSync(join(tmpdir(), 'tb-line-reader-')) };
afterAll(() => rmSync(temp.dir, { recursive: true, force: true }));

async function collect(path: string, offset = 0): Promise<{ text: string; start: number; end: number }[]> {
  const lines = [];
  for await (const line of readLinesFrom(path, offset)) lines.push(line);
  return lines;
}

describe('readLinesFrom', () => {
  it('yields lines with byte ranges, handling CRLF, a BOM, multi-byte text and a missing final newline', async () => {
    const path = join(temp.dir, 'mixed.jsonl');
    writeFileSync(path, '\uFEFFfirst\r\nsecönd\n\nlast');
    expect(await collect(path)).toEqual([
      { text: 'first', start: 0, end: 10 },
      { text: 'secönd', start: 10, end: 18 },
      { text: '', start: 18, end: 19 },
      { text: 'last', start: 19, end: 23 },
    ]);
    expect((await collect(path, 10)).map((line) => line.text)).toEqual(['secönd', '', 'last']);
  });

  it('joins a line split across read chunks', async () => {
    const path = join(temp.dir, 'long.jsonl');
    const long = 'x'.repeat(3 * 1024 * 1024);
    writeFileSync(path, `a\n${long}\nb\n`);
    expect((await collect(path)).map((line) => line.text.length)).toEqual([1, long.length, 1]);
  });

  it('keeps byte ranges exact across reads, for lines that straddle the end of a read', async () => {
    const path = join(temp.dir, 'many.jsonl');
    const lines = Array.from({ length: 2500 }, (_, index) => `${index}:${'é'.repeat(index % 997)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const read = await collect(path);
    expect(read.map((line) => line.text)).toEqual(lines);
    let offset = 0;
    for (const line of read) {
      expect([line.start, line.end]).toEqual([offset, offset + Buffer.byteLength(line.text) + 1]);
      offset = line.end;
    }
    expect((await collect(path, read[1500]!.start)).map((line) => line.text)).toEqual(lines.slice(1500));
  });
});

