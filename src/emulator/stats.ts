/** @module What the emulator counts, so tests can prove exactly-once submission and no interactive calls. */
import type { AnthropicStats } from './anthropic/stats.ts';
import { endpointNames, type EndpointName } from './faults.ts';
import type { OpenAiStats } from './openai/index.ts';

/** Mutable counters kept by one emulator instance. */
export interface StatsCounters {
  filesUploaded: number;
  uploadsRejected: number;
  filesDeleted: number;
  /** Uploads that outlived their 48 hours and were forgotten. */
  filesExpired: number;
  /** files.get and files.delete calls naming a batch result file (`files/batch-…`): Google refuses both. */
  resultFileGetCalls: number;
  resultFileDeleteCalls: number;
  bytesUploaded: number;
  /** Documents (PDFs, images, text files) whose bytes the simulated model read; each content is read once. */
  documentsRead: number;
  batchesCreated: number;
  batchesCancelled: number;
  batchesDeleted: number;
  requestsProcessed: number;
  generateContentCalls: number;
  countTokensCalls: number;
  httpFaultsInjected: number;
  /** API calls refused because they fell in an outage window. */
  outageCallsRefused: number;
  /** Upload chunk requests that carried bytes (`upload`), including ones that failed or were dropped. */
  uploadChunks: number;
  /** Body bytes that reached the emulator on upload chunks, kept or not (a resent byte counts again). */
  uploadBytesReceived: number;
  /** `x-goog-upload-command: query` calls answered. */
  uploadQueries: number;
  /** Chunks dropped by the `dropUploadChunk` fault. */
  uploadChunksDropped: number;
  /** Uploads finalized on a session that had lost a chunk: resumed from the committed offset. */
  uploadsResumed: number;
  /**
   * Upload sessions started for the same display name and size as an unfinished session that had bytes or lost a
   * chunk: the client began again from byte 0.
   */
  uploadsRestarted: number;
  cachesCreated: number;
  cachesDeleted: number;
  /** Caches forgotten because their expiry passed. */
  cachesExpired: number;
}

/** A snapshot of the emulator's counters (GET /emulator/stats). */
export interface EmulatorStats extends StatsCounters {
  /** Calls received per endpoint, including refused and faulted ones. */
  endpointCalls: Record<EndpointName, number>;
  /** Distinct request keys ever submitted in a batch. */
  distinctKeysSubmitted: number;
  /** Submissions of a key that had been submitted before (0 when every key went out exactly once). */
  duplicateKeySubmissions: number;
  /** How many times each request key was submitted, in any batch. */
  submissionsByKey: Record<string, number>;
  /** Finished uploads per display name (`(none)` without one) and per sha256 (hex): "each PDF uploaded once". */
  uploadsByDisplayName: Record<string, number>;
  uploadsBySha256: Record<string, number>;
  /** Uploads alive now (not deleted, not expired) and their bytes, what the quota counts. */
  liveFiles: number;
  liveBytes: number;
  /**
   * Requests that failed on a document part, by reason (`file-unavailable`, `inline-too-large`, `invalid-base64`,
   * `unreadable-document`, `unreadable-image`, `unsupported-file-uri`): batch lines, and interactive calls too.
   */
  lineFailuresByReason: Record<string, number>;
  /**
   * Scripted line faults as the answers show them, by kind (`error`, `safety-block`, `empty`, `alias`, `fence`,
   * `prose`, `truncated`): an alias counts only when a key was renamed in an answer not truncated (issue #19: a
   * run's repairs and retries can be held against them).
   */
  lineFaultsByKind: Record<string, number>;
  /** Caches alive now (not deleted, not expired by the emulator's clock). */
  cachesLive: number;
  /** Interactive answers altered by `faults.divergence`, per field (JSON pointer). */
  divergedAnswers: Record<string, number>;
  /** The OpenAI Batch emulator's counters (openai/). */
  openai: OpenAiStats;
  /** The Anthropic Message Batches API (anthropic/stats.ts). */
  anthropic: AnthropicStats;
}

/** Tallies by name kept beside the counters. */
export interface StatsTallies {
  uploadsByDisplayName: Map<string, number>;
  uploadsBySha256: Map<string, number>;
  lineFailuresByReason: Map<string, number>;
  lineFaultsByKind: Map<string, number>;
  divergedAnswersByField: Map<string, number>;
}

/** Empty tallies. */
export function zeroTallies(): StatsTallies {
  return {
    uploadsByDisplayName: new Map(),
    uploadsBySha256: new Map(),
    lineFailuresByReason: new Map(),
    lineFaultsByKind: new Map(),
    divergedAnswersByField: new Map(),
  };
}

/** Adds one to `name`'s tally. */
export function tally(tallies: Map<string, number>, name: string): void {
  tallies.set(name, (tallies.get(name) ?? 0) + 1);
}

/** All counters at zero. */
export function zeroCounters(): StatsCounters {
  return {
    filesUploaded: 0,
    uploadsRejected: 0,
    filesDeleted: 0,
    filesExpired: 0,
    resultFileGetCalls: 0,
    resultFileDeleteCalls: 0,
    bytesUploaded: 0,
    documentsRead: 0,
    batchesCreated: 0,
    batchesCancelled: 0,
    batchesDeleted: 0,
    requestsProcessed: 0,
    generateContentCalls: 0,
    countTokensCalls: 0,
    httpFaultsInjected: 0,
    outageCallsRefused: 0,
    uploadChunks: 0,
    uploadBytesReceived: 0,
    uploadQueries: 0,
    uploadChunksDropped: 0,
    uploadsResumed: 0,
    uploadsRestarted: 0,
    cachesCreated: 0,
    cachesDeleted: 0,
    cachesExpired: 0,
  };
}

/** Every endpoint at zero calls. */
export function zeroEndpointCalls(): Record<EndpointName, number> {
  return Object.fromEntries(endpointNames.map((name) => [name, 0])) as Record<EndpointName, number>;
}

/** A detached snapshot of the counters. */
export function snapshotStats(
  counters: StatsCounters,
  endpointCalls: Record<EndpointName, number>,
  submissionsByKey: ReadonlyMap<string, number>,
  tallies: StatsTallies,
  live: { files: number; bytes: number },
  cachesLive: number,
  anthropic: AnthropicStats,
): Omit<EmulatorStats, 'openai'> {
  let submissions = 0;
  for (const count of submissionsByKey.values()) submissions += count;
  return {
    ...counters,
    endpointCalls: { ...endpointCalls },
    distinctKeysSubmitted: submissionsByKey.size,
    duplicateKeySubmissions: submissions - submissionsByKey.size,
    submissionsByKey: Object.fromEntries(submissionsByKey),
    uploadsByDisplayName: Object.fromEntries(tallies.uploadsByDisplayName),
    uploadsBySha256: Object.fromEntries(tallies.uploadsBySha256),
    liveFiles: live.files,
    liveBytes: live.bytes,
    lineFailuresByReason: Object.fromEntries(tallies.lineFailuresByReason),
    lineFaultsByKind: Object.fromEntries(tallies.lineFaultsByKind),
    cachesLive,
    divergedAnswers: Object.fromEntries(tallies.divergedAnswersByField),
    anthropic,
  };
}
