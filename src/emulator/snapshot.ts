/**
 * @module The emulator's metadata as a JSON snapshot (`state.json`): its schema, and the conversions between it
 * and the in-memory records. Pure: persistence.ts reads and writes the file. Kept apart so the shape of what
 * survives a restart is in one place and checked field by field when it is read back.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { unstartedWork, type BatchOutput, type BatchRecord, type BatchState, type EmulatorState, type FileRecord, type ResolvedOptions } from './emulator-state.ts';
import type { CacheRecord } from './cache-store.ts';
import { jobFaultSchema } from './faults.ts';
import { anthropicSnapshotOf, anthropicSnapshotSchema } from './anthropic/snapshot.ts';

/** The snapshot format's version; a file with another one is refused. */
const SNAPSHOT_VERSION = 1;

// Ids become path segments: only what the emulator itself hands out.
const id = z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be an id of lowercase letters, digits and "-"');
const count = z.number().int().min(0);
const timeMs = z.number().finite();
const jsonObject = z.record(z.string(), z.unknown());
const status = z.object({ code: z.number().int(), message: z.string() }).strict();
const batchStates = [
  'BATCH_STATE_PENDING',
  'BATCH_STATE_RUNNING',
  'BATCH_STATE_SUCCEEDED',
  'BATCH_STATE_FAILED',
  'BATCH_STATE_CANCELLED',
  'BATCH_STATE_EXPIRED',
] as const satisfies readonly BatchState[];

const fileSchema = z
  .object({
    id,
    seq: count,
    displayName: z.string().optional(),
    mimeType: z.string(),
    sizeBytes: count,
    sha256Hex: z.string(),
    createTimeMs: timeMs,
    expirationTimeMs: timeMs,
    source: z.enum(['UPLOADED', 'GENERATED']),
  })
  .strict();

const inlineResultSchema = z.object({ response: jsonObject.optional(), error: status.optional(), metadata: jsonObject.optional() }).strict();

const batchSchema = z
  .object({
    id,
    seq: count,
    ordinal: z.number().int().positive(),
    model: z.string(),
    task: z.literal('embed').optional(),
    displayName: z.string().optional(),
    input: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('file'), fileName: z.string() }).strict(),
      z.object({ kind: z.literal('inline'), requests: z.array(z.object({ request: jsonObject, metadata: jsonObject.optional() }).strict()) }).strict(),
    ]),
    requestCount: count,
    /** `[line index, submission number]` pairs. */
    resubmissions: z.array(z.tuple([count, z.number().int().min(2)])),
    fault: jobFaultSchema.optional(),
    state: z.enum(batchStates),
    createTimeMs: timeMs,
    updateTimeMs: timeMs,
    endTimeMs: timeMs.optional(),
    processed: count,
    succeeded: count,
    failed: count,
    output: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('file'), fileName: z.string() }).strict(),
        z.object({ kind: z.literal('inline'), results: z.array(inlineResultSchema) }).strict(),
      ])
      .optional(),
    error: status.optional(),
  })
  .strict();

const cacheSchema = z
  .object({
    id,
    seq: count,
    model: z.string(),
    displayName: z.string().optional(),
    createTimeMs: timeMs,
    updateTimeMs: timeMs,
    expireTimeMs: timeMs,
    totalTokens: count,
    content: jsonObject,
  })
  .strict();

/** The whole of `state.json`. */
export const snapshotSchema = z
  .object({
    version: z.literal(SNAPSHOT_VERSION),
    issued: z.object({ seq: count, ordinal: count }).strict(),
    files: z.array(fileSchema),
    batches: z.array(batchSchema),
    /** `[request key, submissions]` pairs. */
    submissionsByKey: z.array(z.tuple([z.string(), z.number().int().positive()])),
    /** Context caches; absent in snapshots written before caches existed. */
    caches: z.array(cacheSchema).default([]),
    /** Anthropic message batches (anthropic/snapshot.ts); absent in snapshots written before them. */
    anthropic: anthropicSnapshotSchema,
  })
  .strict();

/** A parsed snapshot. */
export type Snapshot = z.infer<typeof snapshotSchema>;
type SnapshotFile = Snapshot['files'][number];
type SnapshotBatch = Snapshot['batches'][number];

function fileEntry(record: FileRecord): SnapshotFile {
  const { id: fileId, seq, displayName, mimeType, sizeBytes, sha256Hex, createTimeMs, expirationTimeMs, source } = record;
  return { id: fileId, seq, displayName, mimeType, sizeBytes, sha256Hex, createTimeMs, expirationTimeMs, source };
}

function outputEntry(output: BatchOutput | undefined): SnapshotBatch['output'] {
  if (output === undefined) return undefined;
  return output.kind === 'file' ? { kind: 'file', fileName: output.fileName } : { kind: 'inline', results: output.results };
}

function batchEntry(batch: BatchRecord): SnapshotBatch {
  const input = batch.input;
  return {
    id: batch.id,
    seq: batch.seq,
    ordinal: batch.ordinal,
    model: batch.model,
    task: batch.task,
    displayName: batch.displayName,
    input: input.kind === 'file' ? { kind: 'file', fileName: input.fileName } : { kind: 'inline', requests: input.requests },
    requestCount: batch.requestCount,
    resubmissions: [...batch.resubmissions],
    fault: batch.fault,
    state: batch.state,
    createTimeMs: batch.createTimeMs,
    updateTimeMs: batch.updateTimeMs,
    endTimeMs: batch.endTimeMs,
    processed: batch.processed,
    succeeded: batch.succeeded,
    failed: batch.failed,
    output: outputEntry(batch.output),
    error: batch.error,
  };
}

/** The snapshot of everything a restarted emulator must know (undefined fields drop out of the JSON). */
export function snapshotOf(state: EmulatorState): Snapshot {
  return {
    version: SNAPSHOT_VERSION,
    issued: { ...state.issued },
    files: [...state.files.values()].map(fileEntry),
    batches: [...state.batches.values()].map(batchEntry),
    submissionsByKey: [...state.submissionsByKey],
    caches: [...state.caches.values()].map((record) => ({ ...record })),
    anthropic: anthropicSnapshotOf(state.anthropic),
  };
}

/** A cache record from its snapshot entry. */
export function cacheFromSnapshot(entry: Snapshot['caches'][number]): CacheRecord {
  return { ...entry, displayName: entry.displayName };
}

/** A file record from its snapshot entry; its bytes are `files/<id>` under `filesDir`. */
export function fileFromSnapshot(entry: SnapshotFile, filesDir: string): FileRecord {
  return { ...entry, displayName: entry.displayName, path: join(filesDir, entry.id) };
}

/**
 * A batch record from its snapshot entry. A job that had not ended comes back PENDING with nothing processed
 * and no open files: the runner starts it again from its first line, and its answers are the same (they depend
 * only on the seed, the line index and `resubmissions`).
 */
export function batchFromSnapshot(entry: SnapshotBatch, options: ResolvedOptions, jobsDir: string): BatchRecord {
  const dir = join(jobsDir, entry.id);
  const live = entry.state === 'BATCH_STATE_PENDING' || entry.state === 'BATCH_STATE_RUNNING';
  // The same rule object as the current config's, when it has one: the runner names a rule by its index.
  const stored = entry.fault === undefined ? undefined : JSON.stringify(entry.fault);
  const fault = entry.fault === undefined ? undefined : (options.faults.jobs.find((rule) => JSON.stringify(rule) === stored) ?? entry.fault);
  return {
    id: entry.id,
    seq: entry.seq,
    ordinal: entry.ordinal,
    model: entry.model,
    ...(entry.task === undefined ? {} : { task: entry.task }),
    displayName: entry.displayName,
    input:
      entry.input.kind === 'file'
        ? { kind: 'file', fileName: entry.input.fileName, path: join(dir, 'input.jsonl') }
        : { kind: 'inline', requests: entry.input.requests.map((item) => ({ request: item.request, metadata: item.metadata })) },
    requestCount: entry.requestCount,
    resubmissions: new Map(entry.resubmissions),
    fault,
    state: live ? 'BATCH_STATE_PENDING' : entry.state,
    createTimeMs: entry.createTimeMs,
    updateTimeMs: entry.updateTimeMs,
    endTimeMs: live ? undefined : entry.endTimeMs,
    dir,
    output: live ? undefined : restoredOutput(entry.output),
    error: live ? undefined : entry.error,
    ...unstartedWork(),
    // An ended job keeps its counts; a live one starts over.
    ...(live ? {} : { processed: entry.processed, succeeded: entry.succeeded, failed: entry.failed }),
  };
}

function restoredOutput(output: SnapshotBatch['output']): BatchOutput | undefined {
  if (output === undefined) return undefined;
  if (output.kind === 'file') return { kind: 'file', fileName: output.fileName };
  return {
    kind: 'inline',
    results: output.results.map(({ response, error, metadata }) => ({
      ...(response === undefined ? {} : { response }),
      ...(error === undefined ? {} : { error }),
      ...(metadata === undefined ? {} : { metadata }),
    })),
  };
}
