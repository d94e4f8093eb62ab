import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultWriter } from './result-writer.ts';
import { makeTempDir } from './test-support.ts';

const temp = makeTempDir();
afterAll(() => temp.remove());

async function writeAll(writer: ResultWriter, lines: readonly string[]): Promise<void> {
  for (const line of lines) {
    const writing = writer.append(line);
    if (writing !== undefined) await writing;
  }
  await writer.close();
}

describe('ResultWriter', () => {
  it('writes every line with its newline, counting bytes and lines and hashing exactly what it wrote', async () => {
    const path = join(temp.dir, 'results.jsonl');
    // Multi-byte text, many lines past one buffer, and a line longer than the buffer itself.
    const lines = [
      '{"key":"é漢字😀"}',
      ...Array.from({ length: 3000 }, (_, index) => `{"key":"k${index}","text":"${'ü'.repeat(index % 700)}"}`),
      'x'.repeat(3 * 1024 * 1024),
      '{"key":"last"}',
    ];
    const writer = new ResultWriter(path);
    await writeAll(writer, lines);
    const written = readFileSync(path);
    expect(written.toString('utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
    expect(writer.bytes).toBe(written.length);
    expect(writer.lines).toBe(lines.length);
    expect(writer.sha256Hex()).toBe(createHash('sha256').update(written).digest('hex'));
  });

  it('creates an empty file when no line is appended', async () => {
    const path = join(temp.dir, 'empty.jsonl');
    const writer = new ResultWriter(path);
    await writer.close();
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).length).toBe(0);
    expect(writer.sha256Hex()).toBe(createHash('sha256').digest('hex'));
  });

  it('reports a file it cannot create when it closes', async () => {
    const writer = new ResultWriter(join(temp.dir, 'missing-folder', 'results.jsonl'));
    expect(writer.append('{"key":"a"}')).toBeUndefined();
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
  });
});
