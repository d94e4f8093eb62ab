/**
 * @module The Anthropic side of the emulator's state: message batch records, their counters, their folders, and
 * the MessageBatch JSON a client sees (@anthropic-ai/sdk 1.10 `resources/messages/batches.ts`).
 */
import type { OffsetLine } from '../../shared/index.ts';
import { storagePaths } from '../emulator-state.ts';
import type { AnthropicBatchFault } from '../faults.ts';
import type { ResultWriter } from '../result-writer.ts';

/** `processing_status`. */
export type ProcessingStatus = 'in_progress' | 'canceling' | 'ended';

/** The type of one result line. */
export type ResultType = 'succeeded' | 'errored' | 'canceled' | 'expired';

/** Lines per result type. */
export type ResultCounts = Record<ResultType, number>;

/** Processing ends at the latest 24 h after creation, unfinished requests `expired` ("Batches can take up to 24 hours"). */
export const BATCH_EXPIRY_MS = 24 * 60 * 60 * 1000;
/** Results "are available for download 29 days after creation" (docs.claude.com batch-processing); then archived. */
export const RESULTS_RETENTION_MS = 29 * 24 * 60 * 60 * 1000;

/** One message batch and its progress. Its requests and results live in its folder. */
export interface AnthropicBatch {
  id: string;
  seq: number;
  /** 1-based creation number among Anthropic batches: the `nth` of batch faults. */
  ordinal: number;
  requestCount: number;
  /** Submission number (>1 only) of requests whose custom_id was submitted before, by request index. */
  resubmissions: Map<number, number>;
  fault: AnthropicBatchFault | undefined;
  status: ProcessingStatus;
  createdAtMs: number;
  cancelInitiatedAtMs: number | undefined;
  endedAtMs: number | undefined;
  /** Lines per result type so far; shown only once the batch has ended. */
  counts: ResultCounts;
  /** `<storageDir>/anthropic/<id>`: `requests.jsonl`, `results.partial.jsonl`, then `results.jsonl`. */
  dir: string;
  /** Requests answered (their results are in the partial file). */
  processed: number;
  /** The open reader of `requests.jsonl` and the byte offset to read next. */
  reader: AsyncGenerator<OffsetLine> | undefined;
  readOffset: number;
  writer: ResultWriter | undefined;
  /** Byte offsets of the partial results' lines, to write them shuffled at the end. */
  offsets: number[];
  /** Serialises work on this batch (see withBatchLock). */
  lock: Promise<void>;
}

/** Counters of the Anthropic API (stats `anthropic`). */
export interface AnthropicCounters {
  batchesCreated: number;
  batchesCanceled: number;
  batchesDeleted: number;
  /** Result lines written, by type. */
  resultLines: ResultCounts;
  /** Calls that downloaded a results file. */
  resultsDownloads: number;
}

/** The Anthropic batches one emulator knows. */
export interface AnthropicState {
  batches: Map<string, AnthropicBatch>;
  counters: AnthropicCounters;
  issuedOrdinal: number;
  /** Prompt cache entries: prefix key → expiry on the clock (prompt-cache.ts; not persisted). */
  promptCache: Map<string, number>;
}

/** No lines. */
export function zeroCounts(): ResultCounts {
  return { succeeded: 0, errored: 0, canceled: 0, expired: 0 };
}

/** A fresh Anthropic state. */
export function emptyAnthropicState(): AnthropicState {
  return {
    batches: new Map(),
    counters: { batchesCreated: 0, batchesCanceled: 0, batchesDeleted: 0, resultLines: zeroCounts(), resultsDownloads: 0 },
    issuedOrdinal: 0,
    promptCache: new Map(),
  };
}

/** The folder all Anthropic batch folders live in. */
export function anthropicDir(storageDir: string): string {
  return storagePaths(storageDir).anthropic;
}

/** The file names in a batch's folder. */
export const BATCH_FILES = { requests: 'requests.jsonl', partial: 'results.partial.jsonl', results: 'results.jsonl' } as const;

/** The working fields of a batch that has not started. */
export function unstartedBatchWork(): Pick<AnthropicBatch, 'processed' | 'reader' | 'readOffset' | 'writer' | 'offsets' | 'lock'> {
  return { processed: 0, reader: undefined, readOffset: 0, writer: undefined, offsets: [], lock: Promise.resolve() };
}

function time(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** When the batch's results stop being available (29 days after creation). */
export function archivedAtMs(batch: AnthropicBatch): number {
  return batch.createdAtMs + RESULTS_RETENTION_MS;
}

/**
 * The MessageBatch a client sees. `request_counts`: "Requests start as `processing` and move to one of the other
 * statuses only once processing of the entire batch ends" (SDK MessageBatch doc), so before `ended` every request
 * is `processing`. `results_url` is set once it has ended (and is not archived).
 */
export function batchJson(batch: AnthropicBatch, resultsUrl: string, now: number): Record<string, unknown> {
  const ended = batch.status === 'ended';
  const archived = now >= archivedAtMs(batch);
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: batch.status,
    request_counts: ended ? { processing: 0, ...batch.counts } : { processing: batch.requestCount, ...zeroCounts() },
    ended_at: time(batch.endedAtMs),
    created_at: time(batch.createdAtMs),
    expires_at: time(batch.createdAtMs + BATCH_EXPIRY_MS),
    archived_at: archived ? time(archivedAtMs(batch)) : null,
    cancel_initiated_at: time(batch.cancelInitiatedAtMs),
    results_url: ended && !archived ? resultsUrl : null,
  };
}
