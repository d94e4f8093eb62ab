/**
 * @module Streams batch input lines into JSONL shard files `<prefix>-s0001.jsonl`, `-s0002`, ... cut by
 * {@link ShardCutter}, each file fsync'd when it is closed.
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesystemError, InputError, JobStateError, JsonlWriter, errorMessage } from '../shared/index.ts';
import { ShardCutter, serialiseInputLine, type BatchInputLine, type ShardLimits } from './shard-plan.ts';

/** A finished shard file. */
export interface ShardFile {
  /** 1-based, the number in the file name. */
  index: number;
  path: string;
  requestCount: number;
  sizeBytes: number;
  keys: string[];
}

/** Where shards go and how big they may be. */
export interface ShardWriterOptions extends ShardLimits {
  /** Created if absent. */
  dir: string;
  /** File name prefix, e.g. `stage_1a-a1` → `stage_1a-a1-s0001.jsonl`. */
  prefix: string;
  /** Shards to write at most: a line that would open one more is refused (`add` says 'full'). */
  maxShards?: number;
}

/** The file name of shard `index` (1-based). */
export function shardFileName(prefix: string, index: number): string {
  return `${prefix}-s${String(index).padStart(4, '0')}.jsonl`;
}

/** Flushes a folder's entries (the new shard files) to disk. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes batch input lines to as many shard files as the limits require, streaming (one line in memory at a time).
 * A key seen twice is an {@link InputError}: results are joined on the key alone.
 * @example
 * const writer = new ShardWriter({ dir, prefix: 'stage_1a-a1', maxRequests: 10_000, maxBytes: 1_900_000_000 });
 * for (const built of requests) await writer.add({ key: built.key, requestJson: JSON.stringify(built.request) });
 * const shards = await writer.finish();
 */
export class ShardWriter {
  readonly #options: ShardWriterOptions;
  readonly #cutter: ShardCutter;
  readonly #seenKeys = new Set<string>();
  readonly #finished: ShardFile[] = [];
  readonly #closing: Promise<void>[] = [];
  #current: { file: ShardFile; writer: JsonlWriter } | undefined;
  #dirReady = false;
  #closed = false;

  constructor(options: ShardWriterOptions) {
    this.#cutter = new ShardCutter(options);
    this.#options = { ...options };
  }

  /**
   * Appends one line, opening the next shard first when the current one is full; 'full' (nothing written) when
   * that shard would be one more than `maxShards`.
   */
  async add(line: BatchInputLine): Promise<{ shardIndex: number } | 'full'> {
    if (this.#closed) throw new JobStateError(`shard writer ${this.#options.prefix}: add() after finish()`);
    if (this.#seenKeys.has(line.key)) {
      throw new InputError(`request ${line.key}`, `key appears twice in shards ${this.#options.prefix}`);
    }
    const text = serialiseInputLine(line);
    const size = Buffer.byteLength(text) + 1;
    const opened = this.#finished.length + (this.#current ? 1 : 0);
    if (opened >= (this.#options.maxShards ?? Infinity) && this.#cutter.opensShard(size)) return 'full';
    const placement = this.#cutter.place(size, `request ${line.key}`);
    this.#seenKeys.add(line.key);
    if (placement.startsShard) await this.#openShard(placement.shardIndex);
    const current = this.#current;
    if (current === undefined) throw new JobStateError(`shard writer ${this.#options.prefix}: no open shard`);
    await this.#guard(current.file.path, () => current.writer.writeRaw(text));
    current.file.requestCount++;
    current.file.keys.push(line.key);
    current.file.sizeBytes = current.writer.bytes;
    return { shardIndex: placement.shardIndex };
  }

  /** Closes and fsyncs the last shard; returns every shard written, in order (none if nothing was added). */
  async finish(): Promise<ShardFile[]> {
    if (!this.#closed) {
      this.#closed = true;
      this.#closeCurrent();
      await Promise.all(this.#closing);
      if (this.#dirReady) await this.#guard(this.#options.dir, () => fsyncPath(this.#options.dir));
    }
    return [...this.#finished];
  }

  async #openShard(index: number): Promise<void> {
    this.#closeCurrent();
    if (!this.#dirReady) {
      await this.#guard(this.#options.dir, () => mkdir(this.#options.dir, { recursive: true }));
      this.#dirReady = true;
    }
    const path = join(this.#options.dir, shardFileName(this.#options.prefix, index));
    this.#current = { file: { index, path, requestCount: 0, sizeBytes: 0, keys: [] }, writer: new JsonlWriter(path) };
  }

  #closeCurrent(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    // Closing (flush and fsync) goes on while the next shard is written; `finish` waits for every one.
    const closing = this.#guard(current.file.path, () => current.writer.close());
    closing.catch(() => undefined);
    this.#closing.push(closing);
    this.#finished.push(current.file);
  }

  async #guard<T>(path: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new FilesystemError(`could not write shard ${path}: ${errorMessage(error)}`, { cause: error });
    }
  }
}
