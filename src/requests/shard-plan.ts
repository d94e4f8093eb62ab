/**
 * @module The shard cutting rule, in one place: both {@link planShards} (counting only) and the ShardWriter (writing
 * files) feed line sizes through a {@link ShardCutter}, so `truebatch plan` predicts exactly the shards `run` writes.
 *
 * Input line format (batch JSONL, one request per line): `{"key":"<user-defined key>","request":{<the request as the
 * provider's codec encodes it>}}` (for Gemini see gemini-batch-api.md §4.1).
 */
import { ConfigError, InputError } from '../shared/index.ts';

/** The most a shard (one batch input file) may hold. */
export interface ShardLimits {
  /** Lines per shard, at least 1. */
  maxRequests: number;
  /** Bytes per shard file, newlines included; at least 1. */
  maxBytes: number;
}

/** One line of a batch input file. */
export interface BatchInputLine {
  key: string;
  /** The request as the provider's codec encoded it (JSON text): requests are stored as text, and pass through. */
  requestJson: string;
}

/** The JSONL text of one input line, without its newline: `{"key":..,"request":..}`. */
export function serialiseInputLine(line: BatchInputLine): string {
  return `{"key":${JSON.stringify(line.key)},"request":${line.requestJson}}`;
}

/** What {@link serialiseInputLine} adds around the key and the request: `{"key":`, `,"request":`, `}`, and the newline. */
const LINE_FRAME_BYTES = '{"key":,"request":}\n'.length;

/** The bytes one input line takes in a shard file, newline included (counted without building the line). */
export function inputLineSize(line: BatchInputLine): number {
  return LINE_FRAME_BYTES + Buffer.byteLength(JSON.stringify(line.key)) + Buffer.byteLength(line.requestJson);
}

/** Throws {@link ConfigError} unless both limits are positive integers. */
export function checkShardLimits(limits: ShardLimits): void {
  for (const name of ['maxRequests', 'maxBytes'] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`shard limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
}

/** Where the cutter put a line. */
export interface ShardPlacement {
  /** 1-based shard number (the `s0001` in the file name). */
  shardIndex: number;
  /** True when this line opened a new shard. */
  startsShard: boolean;
}

/**
 * Assigns lines to shards in order. A line opens a new shard when the current one is empty or when adding it would
 * take the shard past `maxRequests` lines or `maxBytes` bytes. A single line larger than `maxBytes` can never fit:
 * {@link InputError} naming the line and both sizes.
 */
export class ShardCutter {
  readonly #limits: ShardLimits;
  #shardIndex = 0;
  #requests = 0;
  #bytes = 0;

  constructor(limits: ShardLimits) {
    checkShardLimits(limits);
    this.#limits = { maxRequests: limits.maxRequests, maxBytes: limits.maxBytes };
  }

  /** Whether a line of `sizeBytes` would open a new shard (nothing is placed). */
  opensShard(sizeBytes: number): boolean {
    return (
      this.#shardIndex === 0 ||
      this.#requests + 1 > this.#limits.maxRequests ||
      this.#bytes + sizeBytes > this.#limits.maxBytes
    );
  }

  /** Places a line of `sizeBytes` (newline included); `label` names it in errors, e.g. `request doc-1_a1`. */
  place(sizeBytes: number, label: string): ShardPlacement {
    if (sizeBytes > this.#limits.maxBytes) {
      throw new InputError(
        label,
        `the batch input line is ${sizeBytes} bytes, larger than the shard limit of ${this.#limits.maxBytes} bytes`,
      );
    }
    const startsShard = this.opensShard(sizeBytes);
    if (startsShard) {
      this.#shardIndex++;
      this.#requests = 0;
      this.#bytes = 0;
    }
    this.#requests++;
    this.#bytes += sizeBytes;
    return { shardIndex: this.#shardIndex, startsShard };
  }
}

/** The shards a sequence of lines would be cut into. */
export interface ShardPlan {
  count: number;
  /** Bytes of each shard, in order. */
  sizes: number[];
  /** Lines of each shard, in order. */
  requestCounts: number[];
}

/**
 * Cuts line sizes (bytes per line, newline included: see {@link inputLineSize}) into shards without writing
 * anything, by the same rule as the ShardWriter.
 */
export function planShards(sizes: Iterable<number>, limits: ShardLimits): ShardPlan {
  const cutter = new ShardCutter(limits);
  const plan: ShardPlan = { count: 0, sizes: [], requestCounts: [] };
  let lineNumber = 0;
  for (const size of sizes) {
    lineNumber++;
    const { shardIndex, startsShard } = cutter.place(size, `planned line ${lineNumber}`);
    if (startsShard) {
      plan.count = shardIndex;
      plan.sizes.push(0);
      plan.requestCounts.push(0);
    }
    plan.sizes[shardIndex - 1] = (plan.sizes[shardIndex - 1] ?? 0) + size;
    plan.requestCounts[shardIndex - 1] = (plan.requestCounts[shardIndex - 1] ?? 0) + 1;
  }
  return plan;
}
