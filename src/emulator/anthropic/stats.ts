/** @module What the emulator counts of the Anthropic API (`stats().anthropic`, GET /emulator/stats). */
import type { AnthropicState, ProcessingStatus, ResultCounts } from './batch-record.ts';

/** The Anthropic counters and the batches alive now by status. */
export interface AnthropicStats {
  batchesCreated: number;
  batchesCanceled: number;
  batchesDeleted: number;
  /** Batches known now (not deleted), by `processing_status`. */
  batchesByStatus: Record<ProcessingStatus, number>;
  /** Result lines written, by result type. */
  resultLines: ResultCounts;
  /** Results files downloaded (each `results_url` call). */
  resultsDownloads: number;
}

/** A detached snapshot of the Anthropic counters. */
export function anthropicStats(anthropic: AnthropicState): AnthropicStats {
  const batchesByStatus: Record<ProcessingStatus, number> = { in_progress: 0, canceling: 0, ended: 0 };
  for (const batch of anthropic.batches.values()) batchesByStatus[batch.status]++;
  const { counters } = anthropic;
  return {
    batchesCreated: counters.batchesCreated,
    batchesCanceled: counters.batchesCanceled,
    batchesDeleted: counters.batchesDeleted,
    batchesByStatus,
    resultLines: { ...counters.resultLines },
    resultsDownloads: counters.resultsDownloads,
  };
}
