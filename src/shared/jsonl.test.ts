import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlWriter, readJsonl } from './jsonl.ts';

describe('JSONL streams', () => {
  it('writes lines and reads them back with line numbers, reporting bad lines as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-jsonl-'));
    const path = join(dir, 'a.jsonl');
    const writer = new JsonlWriter(path);
    for (let i = 0; i < 1000; i++) await writer.write({ i, text: 'x'.repeat(100) });
    await writer.close();
    expect(writer.lines).toBe(1000);
    expect(readFileSync(path).length).toBe(writer.bytes);
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n{"broken": \n{"i": 1000}\n`);
    const seen: number[] = [];
    const bad: number[] = [];
    for await (const line of readJsonl(path)) {
      if (line.ok) seen.push((line.value as { i: number }).i);
      else bad.push(line.lineNumber);
    }
    expect(seen).toHaveLength(1001);
    expect(bad).toEqual([1002]);
  });

  it('reads CRLF lines, a BOM, blank lines and a last line without newline, keeping line numbers and byte sizes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-jsonl-')), 'b.jsonl');
    writeFileSync(path, '\uFEFF{"a":"é"}\r\n\r\n  \n{"b":\r2}\n{"c":3}');
    const lines = [];
    for await (const line of readJsonl(path)) lines.push(line);
    expect(lines).toEqual([
      { lineNumber: 1, ok: true, value: { a: 'é' }, bytes: Buffer.byteLength('{"a":"é"}') + 1 },
      // A lone \r is JSON whitespace, not a line break.
      { lineNumber: 4, ok: true, value: { b: 2 }, bytes: 9 },
      { lineNumber: 5, ok: true, value: { c: 3 }, bytes: 8 },
    ]);
  });

  it('surfaces an open error from write instead of crashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-jsonl-'));
    const writer = new JsonlWriter(join(dir, 'missing-folder', 'a.jsonl'));
    await expect(async () => {
      for (let i = 0; i < 100_000; i++) await writer.write({ i });
      await writer.close();
    }).rejects.toThrow(/ENOENT/);
  });
});
