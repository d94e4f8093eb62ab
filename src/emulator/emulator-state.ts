/**
 * @module The emulator's per-instance state: resolved options, the storage folders, and the records of files,
 * upload sessions and batches. Contents live on disk; only metadata lives here.
 */
import type { Hash } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../shared/index.ts';
import type { AnthropicState } from './anthropic/batch-record.ts';
import type { CacheRecord } from './cache-store.ts';
import type { EndpointName, FaultConfig, JobFault } from './faults.ts';
import type { OffsetLine } from '../shared/index.ts';
import type { JsonObject } from './proto-json.ts';
import type { ResultWriter } from './result-writer.ts';
import type { StatsCounters, StatsTallies } from './stats.ts';

/** Options with every default applied. */
export interface ResolvedOptions {
  apiKey: string | undefined;
  seed: number;
  clock: Clock;
  jobDurationMs: number;
  pendingMs: number;
  expiryMs: number;
  faults: FaultConfig;
  storageDir: string;
  /** Whether the metadata is saved to `<storageDir>/state.json` and restored from it (see persistence.ts). */
  persist: boolean;
  basePath: string;
  /** Bytes of live uploads the project may hold (Files API: 20 GB). */
  fileQuotaBytes: number;
}

/** A stored file: an upload or a batch output. */
export interface FileRecord {
  id: string;
  /** Creation order, for listing and page tokens. */
  seq: number;
  displayName: string | undefined;
  mimeType: string;
  sizeBytes: number;
  sha256Hex: string;
  createTimeMs: number;
  expirationTimeMs: number;
  source: 'UPLOADED' | 'GENERATED';
  path: string;
}

/** A resumable upload in progress. */
export interface UploadSession {
  id: string;
  path: string;
  received: number;
  /** SHA-256 of the bytes received so far (copied per chunk so a failed chunk can be rolled back). */
  hash: Hash;
  declaredSize: number | undefined;
  mimeType: string;
  displayName: string | undefined;
  fileId: string;
  busy: boolean;
  /** A chunk of this session failed or was dropped (so finishing it is a resumed upload). */
  interrupted: boolean;
}

/** The wire states of a batch. */
export type BatchState =
  | 'BATCH_STATE_PENDING'
  | 'BATCH_STATE_RUNNING'
  | 'BATCH_STATE_SUCCEEDED'
  | 'BATCH_STATE_FAILED'
  | 'BATCH_STATE_CANCELLED'
  | 'BATCH_STATE_EXPIRED';

/** One inline result: `{response|error, metadata}` as the Operation nests it. */
export interface InlineResult {
  response?: JsonObject;
  error?: { code: number; message: string };
  metadata?: JsonObject;
}

/** One inline request as submitted. */
export interface InlineRequest {
  request: JsonObject;
  metadata: JsonObject | undefined;
}

/** What a batch reads. File input is a hard link, so deleting the uploaded file does not break the job. */
export type BatchInput =
  | { kind: 'file'; fileName: string; path: string }
  | { kind: 'inline'; requests: InlineRequest[] };

/** Where a batch's results went once it ended. */
export type BatchOutput = { kind: 'file'; fileName: string } | { kind: 'inline'; results: InlineResult[] };

/** A batch job and its progress. */
export interface BatchRecord {
  id: string;
  seq: number;
  /** 1-based creation number, the `nth` of job faults and the label of seeded output faults. */
  ordinal: number;
  model: string;
  /** `embed` for a job created by `:asyncBatchEmbedContent` (its lines are EmbedContentRequests); else generation. */
  task?: 'embed';
  displayName: string | undefined;
  input: BatchInput;
  requestCount: number;
  /** Submission number (>1 only) of lines whose key was submitted before, by line index. */
  resubmissions: Map<number, number>;
  fault: JobFault | undefined;
  state: BatchState;
  createTimeMs: number;
  updateTimeMs: number;
  endTimeMs: number | undefined;
  processed: number;
  succeeded: number;
  failed: number;
  /** File input: the byte offset and line number to read next. */
  readOffset: number;
  lineNumber: number;
  /** File input: the open reader positioned at `readOffset`, kept between steps while the job runs. */
  reader: AsyncGenerator<OffsetLine> | undefined;
  /** The job's own folder: input link and partial output. */
  dir: string;
  /** The partial output (it also hashes what it writes). */
  writer: ResultWriter | undefined;
  /** Byte offsets of the partial output's lines, when output faults need random access. */
  outputOffsets: number[] | undefined;
  inlineResults: InlineResult[] | undefined;
  output: BatchOutput | undefined;
  error: { code: number; message: string } | undefined;
  /** Serialises work on this job (the background loop and requests both advance it). */
  lock: Promise<void>;
  /** Requests queued for `lock`: the background loop lets go of the job as soon as one is. */
  requestsWaiting: number;
}

/** Everything one emulator instance knows. */
export interface EmulatorState {
  options: ResolvedOptions;
  files: Map<string, FileRecord>;
  uploads: Map<string, UploadSession>;
  batches: Map<string, BatchRecord>;
  /** Context caches (`cachedContents`), expired ones forgotten when next looked at (cache-store.ts). */
  caches: Map<string, CacheRecord>;
  /** The Anthropic Message Batches API's batches and counters (anthropic/). */
  anthropic: AnthropicState;
  counters: StatsCounters;
  tallies: StatsTallies;
  endpointCalls: Record<EndpointName, number>;
  /** How many times each request key has been submitted, in any batch. */
  submissionsByKey: Map<string, number>;
  /** The last seq and batch ordinal handed out (saved, so a restored emulator never hands one out twice). */
  issued: { seq: number; ordinal: number };
  nextSeq: () => number;
  nextBatchOrdinal: () => number;
  /**
   * Saves the metadata to disk when the emulator persists (a no-op otherwise); resolves once a snapshot taken
   * after the call is written. Every change a restarted emulator must know is followed by it.
   */
  saveSnapshot: () => Promise<void>;
}

/** The storage sub-folders. */
export function storagePaths(storageDir: string): { files: string; uploads: string; jobs: string; anthropic: string } {
  return { files: join(storageDir, 'files'), uploads: join(storageDir, 'uploads'), jobs: join(storageDir, 'jobs'), anthropic: join(storageDir, 'anthropic') };
}

/** The working fields of a batch that has not started: nothing read, written or waited for yet. */
export function unstartedWork(): Pick<BatchRecord, 'processed' | 'succeeded' | 'failed' | 'readOffset' | 'lineNumber' | 'reader' |
  'writer' | 'outputOffsets' | 'inlineResults' | 'lock' | 'requestsWaiting'> {
  return {
    processed: 0,
    succeeded: 0,
    failed: 0,
    readOffset: 0,
    lineNumber: 0,
    reader: undefined,
    writer: undefined,
    outputOffsets: undefined,
    inlineResults: undefined,
    lock: Promise.resolve(),
    requestsWaiting: 0,
  };
}

/** Runs `work` after any work already queued on `batch`, so two advances never interleave. */
export function withBatchLock<T>(batch: { lock: Promise<void> }, work: () => Promise<T>): Promise<T> {
  const run = batch.lock.then(work);
  batch.lock = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** Whether a state is final. */
export function isTerminal(state: BatchState): boolean {
  return state !== 'BATCH_STATE_PENDING' && state !== 'BATCH_STATE_RUNNING';
}
