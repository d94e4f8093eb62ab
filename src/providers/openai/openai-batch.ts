/**
 * @module An OpenAI `Batch` object (spec §10a "Batch object") as the engine's {@link RemoteJob}. Light on purpose: it
 * takes the SDK's type only, so tests read fixtures through it without a client.
 */
import type { Batch } from 'openai/resources/batches';
import { ProviderError } from '../../shared/index.ts';
import type { RemoteJob, RemoteJobState } from '../batch-provider.ts';
import { OPENAI } from './openai-request.ts';

/** The `metadata` key that carries the job's display name, so a lost create is found again by it (spec §10a create). */
export const DISPLAY_NAME_METADATA_KEY = 'truebatch_display_name';

/**
 * OpenAI's statuses in truebatch's terms (spec §10a "Statuses", §10d). `cancelling` is still running: it may
 * finish more lines before it ends `cancelled`, with partial results.
 */
const STATES: Readonly<Record<Batch['status'], RemoteJobState>> = {
  validating: 'pending',
  in_progress: 'running',
  finalizing: 'running',
  cancelling: 'running',
  completed: 'succeeded',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
};

/** A file id, or undefined when absent or empty (an empty `error_file_id` was seen on clean batches: kaibo PR#93). */
export function fileIdOf(id: string | null | undefined): string | undefined {
  return id === null || id === undefined || id === '' ? undefined : id;
}

function isoOf(seconds: number | null | undefined): string | undefined {
  return seconds === null || seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}

/** Why a batch failed: its first listed error (a validation failure names the input line), or its status. */
function errorOf(batch: Batch): RemoteJob['error'] {
  if (batch.status !== 'failed') return undefined;
  const first = batch.errors?.data?.[0];
  if (first === undefined) return { code: 400, message: 'the batch failed without a reason' };
  const line = first.line === null || first.line === undefined ? '' : ` (input line ${first.line})`;
  return { code: 400, message: `${first.code ?? 'failed'}: ${first.message ?? '(no message)'}${line}` };
}

/**
 * The job `batch` is. Its result file is the output file, or the error file when a batch has only that (a completed
 * batch whose every line failed: spec §10a P9); `downloadResults` reads both. Throws a non-retryable ProviderError
 * for a status OpenAI does not document.
 */
export function batchToRemoteJob(batch: Batch): RemoteJob {
  const state = STATES[batch.status] as RemoteJobState | undefined;
  if (state === undefined) {
    throw new ProviderError(OPENAI, `OpenAI batch ${batch.id} has status "${String(batch.status)}", which truebatch does not know`, { isRetryable: false });
  }
  const counts = batch.request_counts;
  const metadata = batch.metadata ?? {};
  return {
    name: batch.id,
    displayName: metadata[DISPLAY_NAME_METADATA_KEY],
    state,
    rawState: batch.status,
    requestCounts:
      counts === undefined
        ? undefined
        : { total: counts.total, succeeded: counts.completed, failed: counts.failed, pending: Math.max(0, counts.total - counts.completed - counts.failed) },
    outputFile: fileIdOf(batch.output_file_id) ?? fileIdOf(batch.error_file_id),
    error: errorOf(batch),
    createTime: isoOf(batch.created_at),
    endTime: isoOf(batch.completed_at ?? batch.failed_at ?? batch.expired_at ?? batch.cancelled_at),
  };
}
