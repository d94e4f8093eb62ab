/** @module Tests for shard cutting and the streamed shard writer, against real files. */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, FilesystemError, InputError, JobStateError, readJsonl } from '../shared/index.ts';
import { inputLineSize, planShards, serialiseInputLine, type BatchInputLine } from './shard-plan.ts';
import { ShardWriter, shardFileName } from './shard-writer.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-shards-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A line whose prompt text has `textLength` characters. */
function line(key: string, textLength: number): BatchInputLine {
  return { key, requestJson: JSON.stringify({ content: [{ kind: 'text', text: 'x'.repeat(textLength) }] }) };
}

async function writeAll(lines: BatchInputLine[], limits: { maxRequests: number; maxBytes: number }) {
  const writer = new ShardWriter({ dir, prefix: 'stage_1a-a1', ...limits });
  const indexes: number[] = [];
  for (const item of lines) {
    const placed = await writer.add(item);
    if (placed === 'full') throw new JobStateError('no shard limit was set');
    indexes.push(placed.shardIndex);
  }
  return { indexes, shards: await writer.finish() };
}

/** Reads a shard back: its lines (parsed) and its size on disk. */
async function readBack(path: string) {
  const values: unknown[] = [];
  for await (const parsed of readJsonl(path)) {
    expect(parsed.ok).toBe(true);
    if (parsed.ok) values.push(parsed.value);
  }
  return { values, size: (await stat(path)).size };
}

describe('ShardWriter', () => {
  it('cuts by request count, naming files <prefix>-s0001.jsonl and keeping every line intact', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => line(`doc-${i}_s`, 5));
    const { indexes, shards } = await writeAll(lines, { maxRequests: 3, maxBytes: 1_000_000 });
    expect(indexes).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(shards.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(shards.map((s) => s.requestCount)).toEqual([3, 3, 1]);
    expect((await readdir(dir)).sort()).toEqual([
      'stage_1a-a1-s0001.jsonl',
      'stage_1a-a1-s0002.jsonl',
      'stage_1a-a1-s0003.jsonl',
    ]);
    const read = await Promise.all(shards.map((s) => readBack(s.path)));
    expect(read.map((r) => r.values.length)).toEqual([3, 3, 1]);
    expect(read.flatMap((r) => r.values)).toEqual(lines.map((l) => ({ key: l.key, request: JSON.parse(l.requestJson) as unknown })));
    expect(shards.flatMap((s) => s.keys)).toEqual(lines.map((l) => l.key));
    for (const [i, shard] of shards.entries()) expect(read[i]?.size).toBe(shard.sizeBytes);
  });

  it('cuts by bytes: no shard exceeds maxBytes, and a shard is cut only when the next line would not fit', async () => {
    const lines = [10, 300, 40, 500, 20, 20, 700, 5].map((n, i) => line(`k${i}`, n));
    const sizes = lines.map(inputLineSize);
    const maxBytes = 900;
    const { shards } = await writeAll(lines, { maxRequests: 1000, maxBytes });
    const read = await Promise.all(shards.map((s) => readBack(s.path)));
    let offset = 0;
    for (const [i, shard] of shards.entries()) {
      expect(read[i]?.size).toBe(shard.sizeBytes);
      expect(shard.sizeBytes).toBeLessThanOrEqual(maxBytes);
      expect(read[i]?.values.length).toBe(shard.requestCount);
      offset += shard.requestCount;
      const next = sizes[offset];
      if (next !== undefined) expect(shard.sizeBytes + next).toBeGreaterThan(maxBytes);
    }
    expect(offset).toBe(lines.length);
    expect(shards.length).toBeGreaterThan(1);
    expect(read.flatMap((r) => r.values)).toEqual(lines.map((l) => ({ key: l.key, request: JSON.parse(l.requestJson) as unknown })));
  });

  it('counts the bytes of a line exactly, with escapes and multi-byte characters in the key and the request', () => {
    const lines: BatchInputLine[] = [
      { key: 'plain', requestJson: '{"content":[]}' },
      { key: 'Ünïcödé-键-"quoted"\\', requestJson: JSON.stringify({ content: [{ kind: 'text', text: '研究 🌱 "x"\n' }] }) },
    ];
    for (const input of lines) expect(inputLineSize(input)).toBe(Buffer.byteLength(`${serialiseInputLine(input)}\n`));
  });

  it('fills a shard to exactly maxBytes', async () => {
    const size = inputLineSize(line('k0', 50));
    const lines = ['k0', 'k1', 'k2', 'k3'].map((key) => line(key, 50));
    const { shards } = await writeAll(lines, { maxRequests: 100, maxBytes: size * 2 });
    expect(shards.map((s) => s.sizeBytes)).toEqual([size * 2, size * 2]);
  });

  it('serialises each line once as {"key","request"}', async () => {
    const { shards } = await writeAll([line('only', 3)], { maxRequests: 10, maxBytes: 10_000 });
    const text = await readFile(shards[0]!.path, 'utf8');
    expect(text).toBe(`${serialiseInputLine(line('only', 3))}\n`);
    expect(text.startsWith('{"key":"only","request":{"content":')).toBe(true);
  });

  it('counts bytes of multi-byte text, not characters', async () => {
    const unicode = { key: 'u', requestJson: JSON.stringify({ content: [{ kind: 'text', text: '研究'.repeat(50) }] }) };
    const { shards } = await writeAll([unicode], { maxRequests: 10, maxBytes: 10_000 });
    expect(shards[0]!.sizeBytes).toBe((await stat(shards[0]!.path)).size);
    expect(shards[0]!.sizeBytes).toBe(Buffer.byteLength(serialiseInputLine(unicode)) + 1);
  });

  it('rejects a single line larger than maxBytes, naming the key and both sizes', async () => {
    const writer = new ShardWriter({ dir, prefix: 'p', maxRequests: 10, maxBytes: 100 });
    await writer.add(line('small', 1));
    const big = line('doc-huge_s', 200);
    const error = await writer.add(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('doc-huge_s');
    expect((error as Error).message).toContain(`${inputLineSize(big)} bytes`);
    expect((error as Error).message).toContain('100 bytes');
    const shards = await writer.finish();
    expect(shards.map((s) => s.keys)).toEqual([['small']]);
  });

  it('with maxShards, refuses (writing nothing) the first line that would open one shard too many', async () => {
    const writer = new ShardWriter({ dir, prefix: 'p', maxRequests: 2, maxBytes: 10_000, maxShards: 1 });
    expect(await writer.add(line('a', 1))).toEqual({ shardIndex: 1 });
    expect(await writer.add(line('b', 1))).toEqual({ shardIndex: 1 });
    expect(await writer.add(line('c', 1))).toBe('full');
    expect(await writer.add(line('c', 1))).toBe('full'); // nothing of the refused line was kept
    const shards = await writer.finish();
    expect(shards.map((shard) => shard.keys)).toEqual([['a', 'b']]);
    expect(await readdir(dir)).toEqual([shardFileName('p', 1)]);
  });

  it('rejects a duplicate key and add() after finish()', async () => {
    const writer = new ShardWriter({ dir, prefix: 'p', maxRequests: 10, maxBytes: 10_000 });
    await writer.add(line('a', 1));
    await expect(writer.add(line('a', 2))).rejects.toThrow(InputError);
    await writer.finish();
    await expect(writer.add(line('b', 1))).rejects.toThrow(JobStateError);
  });

  it('writes nothing when no line was added, and creates a missing directory', async () => {
    const nested = join(dir, 'a', 'b');
    const empty = new ShardWriter({ dir: nested, prefix: 'p', maxRequests: 1, maxBytes: 100 });
    expect(await empty.finish()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    const writer = new ShardWriter({ dir: nested, prefix: 'p', maxRequests: 1, maxBytes: 1000 });
    await writer.add(line('a', 1));
    expect((await writer.finish())[0]?.path).toBe(join(nested, shardFileName('p', 1)));
  });

  it('reports a directory it cannot create as a FilesystemError', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const writer = new ShardWriter({ dir: join(blocker, 'sub'), prefix: 'p', maxRequests: 1, maxBytes: 1000 });
    await expect(writer.add(line('a', 1))).rejects.toThrow(FilesystemError);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => new ShardWriter({ dir, prefix: 'p', maxRequests: 0, maxBytes: 10 })).toThrow(ConfigError);
    expect(() => planShards([1], { maxRequests: 1, maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});

describe('planShards', () => {
  it('cuts by count and by bytes', () => {
    expect(planShards([10, 10, 10, 10, 10], { maxRequests: 2, maxBytes: 1000 })).toEqual({
      count: 3,
      sizes: [20, 20, 10],
      requestCounts: [2, 2, 1],
    });
    expect(planShards([60, 40, 1, 100, 100], { maxRequests: 10, maxBytes: 100 })).toEqual({
      count: 4,
      sizes: [100, 1, 100, 100],
      requestCounts: [2, 1, 1, 1],
    });
    expect(planShards([], { maxRequests: 1, maxBytes: 1 })).toEqual({ count: 0, sizes: [], requestCounts: [] });
    expect(() => planShards([5, 101], { maxRequests: 10, maxBytes: 100 })).toThrow(/line 2.*101 bytes/);
  });

  it('agrees with ShardWriter on the same input', async () => {
    const lengths = [3, 80, 250, 17, 400, 1, 1, 1, 90, 333, 12, 60, 200, 5, 5, 5, 150];
    const lines = lengths.map((n, i) => line(`doc-${i}`, n));
    const limits = { maxRequests: 4, maxBytes: 700 };
    const plan = planShards(lines.map(inputLineSize), limits);
    const { shards } = await writeAll(lines, limits);
    expect(plan.count).toBe(shards.length);
    expect(plan.sizes).toEqual(shards.map((s) => s.sizeBytes));
    expect(plan.requestCounts).toEqual(shards.map((s) => s.requestCount));
    const onDisk = await Promise.all(shards.map(async (s) => (await stat(s.path)).size));
    expect(onDisk).toEqual(plan.sizes);
  });
});
