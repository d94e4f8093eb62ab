/**
 * @module Output faults, applied when a result file is finalised: lines left out, written twice, invented with
 * unknown keys, or shuffled. The plan is one integer per line, seeded by the emulator seed and the job's
 * creation number, so the same faults hit the same lines on every run and memory stays bounded.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { JsonlWriter, createRng, type Rng } from '../shared/index.ts';
import type { OutputFaults } from './faults.ts';
import type { InlineResult } from './emulator-state.ts';
import type { JsonObject } from './proto-json.ts';

/** Whether any output fault is switched on. */
/** The output faults that apply to the job created `ordinal`-th (`nth` limits them to one job). */
export function outputFaultsFor(faults: OutputFaults, ordinal: number): OutputFaults {
  if (faults.nth === undefined || faults.nth === ordinal) return faults;
  return { shuffle: false, duplicateKeys: 0, missingKeys: 0, unknownKeys: 0 };
}

/** True when any output fault is on. */
export function hasOutputFaults(faults: OutputFaults): boolean {
  return faults.shuffle || faults.duplicateKeys > 0 || faults.missingKeys > 0 || faults.unknownKeys > 0;
}

function pickDistinct(rng: Rng, count: number, wanted: number, exclude: ReadonlySet<number>): number[] {
  const picked = new Set<number>();
  const possible = Math.min(wanted, count - exclude.size);
  while (picked.size < possible) {
    const index = rng.int(count);
    if (!exclude.has(index)) picked.add(index);
  }
  return [...picked];
}

/**
 * The order to write results in: `i >= 0` is result `i`, `-(j + 1)` is the j-th invented line. Missing lines
 * are left out, duplicates come again after the originals, unknown lines last, then all shuffled if asked.
 */
export function planOutput(count: number, faults: OutputFaults, label: string): Int32Array {
  const rng = createRng(label);
  const missing = new Set(pickDistinct(rng, count, faults.missingKeys, new Set()));
  const duplicates = pickDistinct(rng, count, faults.duplicateKeys, missing);
  const order = new Int32Array(count - missing.size + duplicates.length + faults.unknownKeys);
  let at = 0;
  for (let index = 0; index < count; index++) if (!missing.has(index)) order[at++] = index;
  for (const index of duplicates) order[at++] = index;
  for (let unknown = 0; unknown < faults.unknownKeys; unknown++) order[at++] = -(unknown + 1);
  if (faults.shuffle) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const swap = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = swap;
    }
  }
  return order;
}

/** The key of the j-th invented line of job `ordinal`. */
export function unknownKey(ordinal: number, unknown: number): string {
  return `emulator-unknown-key-${ordinal}-${unknown + 1}`;
}

/** A well-formed answer for an invented line. */
export function unknownResponse(model: string): JsonObject {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text: '{}' }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
    modelVersion: model,
  };
}

/** Writes `plan` to `finalPath`, reading result lines from `partialPath` by their byte offsets. */
export async function writePlannedFile(options: {
  partialPath: string;
  offsets: readonly number[];
  partialSize: number;
  plan: Int32Array;
  finalPath: string;
  inventedLine: (unknown: number) => string;
}): Promise<{ sizeBytes: number; sha256Hex: string }> {
  const source = await open(options.partialPath, 'r');
  const writer = new JsonlWriter(options.finalPath);
  const hash = createHash('sha256');
  try {
    for (const entry of options.plan) {
      let line: string;
      if (entry < 0) {
        line = options.inventedLine(-entry - 1);
      } else {
        const start = options.offsets[entry] ?? 0;
        const end = options.offsets[entry + 1] ?? options.partialSize;
        const bytes = Buffer.alloc(end - start);
        await source.read(bytes, 0, bytes.length, start);
        line = bytes.toString('utf8').replace(/\n$/, '');
      }
      hash.update(`${line}\n`);
      await writer.writeRaw(line);
    }
  } finally {
    await writer.close();
    await source.close();
  }
  return { sizeBytes: writer.bytes, sha256Hex: hash.digest('hex') };
}

/** Applies `plan` to inline results. */
export function applyPlanInline(results: readonly InlineResult[], plan: Int32Array, invented: (unknown: number) => InlineResult): InlineResult[] {
  return [...plan].map((entry) => (entry < 0 ? invented(-entry - 1) : (results[entry] as InlineResult)));
}
