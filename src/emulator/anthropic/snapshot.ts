/**
 * @module The Anthropic batches in the emulator's `state.json` (persistence.ts): their schema, and the conversions
 * between it and the records. On restore, a batch that had not ended starts over from its first request (its
 * answers are the same: they depend on the seed, the custom_id and its submission number); a `canceling` batch
 * answers again the requests that were due when its cancel began, then ends with the rest `canceled`. Folders the snapshot
 * does not know are removed.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { anthropicBatchFaultSchema } from '../faults.ts';
import { BATCH_FILES, anthropicDir, emptyAnthropicState, unstartedBatchWork, zeroCounts, type AnthropicBatch, type AnthropicState } from './batch-record.ts';

const count = z.number().int().min(0);
const timeMs = z.number().finite();

const batchSchema = z
  .object({
    // Ids become path segments: only what the emulator itself hands out.
    id: z.string().regex(/^msgbatch_[A-Za-z0-9]{1,100}$/, 'must be a msgbatch_ id'),
    seq: count,
    ordinal: z.number().int().positive(),
    requestCount: count,
    /** `[request index, submission number]` pairs. */
    resubmissions: z.array(z.tuple([count, z.number().int().min(2)])),
    fault: anthropicBatchFaultSchema.optional(),
    status: z.enum(['in_progress', 'canceling', 'ended']),
    createdAtMs: timeMs,
    cancelInitiatedAtMs: timeMs.optional(),
    endedAtMs: timeMs.optional(),
    counts: z.object({ succeeded: count, errored: count, canceled: count, expired: count }).strict(),
  })
  .strict();

/** The `anthropic` member of the snapshot. */
export const anthropicSnapshotSchema = z
  .object({ issuedOrdinal: count, batches: z.array(batchSchema) })
  .strict()
  .default({ issuedOrdinal: 0, batches: [] });

export type AnthropicSnapshot = z.infer<typeof anthropicSnapshotSchema>;

/** What the snapshot keeps of the Anthropic state. */
export function anthropicSnapshotOf(anthropic: AnthropicState): AnthropicSnapshot {
  return {
    issuedOrdinal: anthropic.issuedOrdinal,
    batches: [...anthropic.batches.values()].map((batch) => ({
      id: batch.id,
      seq: batch.seq,
      ordinal: batch.ordinal,
      requestCount: batch.requestCount,
      resubmissions: [...batch.resubmissions],
      ...(batch.fault === undefined ? {} : { fault: batch.fault }),
      status: batch.status,
      createdAtMs: batch.createdAtMs,
      ...(batch.cancelInitiatedAtMs === undefined ? {} : { cancelInitiatedAtMs: batch.cancelInitiatedAtMs }),
      ...(batch.endedAtMs === undefined ? {} : { endedAtMs: batch.endedAtMs }),
      counts: { ...batch.counts },
    })),
  };
}

/** The Anthropic state from a snapshot (sync: it runs while the emulator is created). */
export function restoreAnthropic(snapshot: AnthropicSnapshot, storageDir: string): AnthropicState {
  const anthropic = emptyAnthropicState();
  anthropic.issuedOrdinal = snapshot.issuedOrdinal;
  const root = anthropicDir(storageDir);
  for (const entry of [...snapshot.batches].sort((a, b) => a.seq - b.seq)) {
    const dir = join(root, entry.id);
    const ended = entry.status === 'ended';
    if (!ended) rmSync(join(dir, BATCH_FILES.partial), { force: true });
    const batch: AnthropicBatch = {
      ...entry,
      resubmissions: new Map(entry.resubmissions),
      fault: entry.fault,
      cancelInitiatedAtMs: entry.cancelInitiatedAtMs,
      endedAtMs: entry.endedAtMs,
      counts: ended ? { ...entry.counts } : zeroCounts(),
      dir,
      ...unstartedBatchWork(),
    };
    anthropic.batches.set(batch.id, batch);
    anthropic.issuedOrdinal = Math.max(anthropic.issuedOrdinal, batch.ordinal);
  }
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    // No folder yet: nothing to clean.
  }
  for (const name of names) if (!anthropic.batches.has(name)) rmSync(join(root, name), { recursive: true, force: true });
  return anthropic;
}
