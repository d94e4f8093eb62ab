/**
 * @module The OpenAI emulator's own state beside the Gemini one (same storage folder, clock, seed and faults):
 * files and batches, their counters, and, with `persist`, `<storageDir>/openai/state.json` written atomically
 * after every change, so an emulator started later over the same folder knows them. Batches that had not ended
 * run again from their first line (as Gemini jobs do).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage, type OffsetLine } from '../../shared/index.ts';
import type { EmulatorState } from '../emulator-state.ts';
import type { ResultWriter } from '../result-writer.ts';
import type { OpenAiBatchFault } from './openai-faults.ts';

/** A stored file (uploaded input or generated output/error file). */
export interface OpenAiFileRecord {
  id: string;
  seq: number;
  filename: string;
  purpose: string;
  bytes: number;
  createdAtMs: number;
  expiresAtMs: number | null;
  path: string;
}

/** The Batch statuses (openai-node `Batch.status`). */
export type OpenAiBatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** One `errors.data[]` entry of a batch that failed validation. */
export interface BatchValidationError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/** Timestamps in ms, set as the batch passes each status. */
export interface BatchTimes {
  in_progress_at?: number;
  finalizing_at?: number;
  completed_at?: number;
  failed_at?: number;
  expired_at?: number;
  cancelling_at?: number;
  cancelled_at?: number;
}

/** A batch and its progress (the persisted part). */
export interface OpenAiBatchRecord {
  id: string;
  seq: number;
  /** 1-based creation number (the `nth` of `faults.openai.batches`). */
  ordinal: number;
  endpoint: string;
  inputFileId: string;
  /** The batch's hard link to its input (deleting the uploaded file does not break it). */
  inputPath: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  model: string | null;
  createdAtMs: number;
  status: OpenAiBatchStatus;
  times: BatchTimes;
  /** Found while validating at create: the batch fails with them when validation ends. */
  validationErrors: BatchValidationError[];
  total: number;
  completed: number;
  failed: number;
  outputFileId: string | null;
  errorFileId: string | null;
  usage: { input: number; cached: number; output: number; reasoning: number };
  fault: OpenAiBatchFault | undefined;
  /** The batch's working folder (input link, partial output and error files). */
  dir: string;
}

/** What a running batch holds in memory only. */
export interface BatchWork {
  reader: AsyncGenerator<OffsetLine> | undefined;
  /** Lines read so far (blank ones too) and requests answered. */
  processed: number;
  output: ResultWriter | undefined;
  errors: ResultWriter | undefined;
  /** Byte offsets of each partial's lines (for the seeded shuffle). */
  outputOffsets: number[];
  errorOffsets: number[];
  lock: Promise<void>;
}

/** The counters in `stats().openai`. */
export interface OpenAiCounters {
  filesUploaded: number;
  bytesUploaded: number;
  filesDeleted: number;
  batchesCreated: number;
  batchesCancelled: number;
  /** Lines answered with a 200 and lines that went to the error file (rejected, expired, cancelled). */
  linesSucceeded: number;
  linesFailed: number;
  /** Of `linesFailed`: hidden 400s (`response.status_code` 400, `error: null`). */
  linesRejected: number;
  linesExpired: number;
  linesCancelled: number;
}

/** The OpenAI side of one emulator instance. */
export interface OpenAiState {
  emulator: EmulatorState;
  dir: string;
  files: Map<string, OpenAiFileRecord>;
  batches: Map<string, OpenAiBatchRecord>;
  work: Map<string, BatchWork>;
  /** How many times each custom_id was submitted, over every batch (exactly-once proofs). */
  submissionsByCustomId: Map<string, number>;
  counters: OpenAiCounters;
  issued: { seq: number; ordinal: number };
  save(): Promise<void>;
}

interface Persisted {
  version: 1;
  files: OpenAiFileRecord[];
  batches: OpenAiBatchRecord[];
  submissionsByCustomId: [string, number][];
  counters: OpenAiCounters;
  issued: { seq: number; ordinal: number };
}

function zeroCounters(): OpenAiCounters {
  return {
    filesUploaded: 0,
    bytesUploaded: 0,
    filesDeleted: 0,
    batchesCreated: 0,
    batchesCancelled: 0,
    linesSucceeded: 0,
    linesFailed: 0,
    linesRejected: 0,
    linesExpired: 0,
    linesCancelled: 0,
  };
}

/** Whether a status is final. */
export function isFinal(status: OpenAiBatchStatus): boolean {
  return status === 'failed' || status === 'completed' || status === 'expired' || status === 'cancelled';
}

function restore(path: string, batchesDir: string): Persisted | undefined {
  if (!existsSync(path)) return undefined;
  let persisted: Persisted;
  try {
    persisted = JSON.parse(readFileSync(path, 'utf8')) as Persisted;
  } catch (error) {
    throw new ConfigError(`the OpenAI emulator's state file ${path} cannot be read (${errorMessage(error)}): move it away to start empty`, { cause: error });
  }
  if (persisted.version !== 1) throw new ConfigError(`the OpenAI emulator's state file ${path} is not one this emulator wrote: move it away to start empty`);
  for (const batch of persisted.batches) {
    // A finalizing batch has stored its files already: it only has to complete.
    if (isFinal(batch.status) || batch.status === 'finalizing') continue;
    // A batch that had not ended runs again from its first line; its half-written partials go.
    for (const partial of ['output.partial.jsonl', 'error.partial.jsonl']) rmSync(join(batch.dir, partial), { force: true });
    batch.completed = 0;
    batch.failed = 0;
    batch.usage = { input: 0, cached: 0, output: 0, reasoning: 0 };
  }
  mkdirSync(batchesDir, { recursive: true });
  return persisted;
}

/** Creates (or, persisting, restores) the OpenAI state of an emulator. */
export function createOpenAiState(emulator: EmulatorState): OpenAiState {
  const dir = join(emulator.options.storageDir, 'openai');
  for (const sub of ['files', 'batches', 'uploads']) mkdirSync(join(dir, sub), { recursive: true });
  const path = join(dir, 'state.json');
  const restored = emulator.options.persist ? restore(path, join(dir, 'batches')) : undefined;
  const state: OpenAiState = {
    emulator,
    dir,
    files: new Map((restored?.files ?? []).map((file) => [file.id, file])),
    batches: new Map((restored?.batches ?? []).map((batch) => [batch.id, batch])),
    work: new Map(),
    submissionsByCustomId: new Map(restored?.submissionsByCustomId ?? []),
    counters: restored?.counters ?? zeroCounters(),
    issued: restored?.issued ?? { seq: 0, ordinal: 0 },
    save: () => Promise.resolve(),
  };
  if (emulator.options.persist) state.save = snapshotWriter(state, path);
  return state;
}

/** Serialised, atomic saves (temp file, fsync, rename): a crash leaves the old state or the new one. */
function snapshotWriter(state: OpenAiState, path: string): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  const write = async (): Promise<void> => {
    const persisted: Persisted = {
      version: 1,
      files: [...state.files.values()],
      batches: [...state.batches.values()],
      submissionsByCustomId: [...state.submissionsByCustomId],
      counters: state.counters,
      issued: state.issued,
    };
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(persisted));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  };
  return () => {
    chain = chain.then(write, write);
    return chain;
  };
}

/** The next creation sequence number. */
export function nextSeq(state: OpenAiState): number {
  return ++state.issued.seq;
}
