/**
 * @module The wire objects: `FileObject` and `Batch` as openai-node 7.x types them (`resources/files.ts`,
 * `resources/batches.ts`), unset optional fields sent as `null` as the real API does (litellm PR#39861 transcript),
 * and cursor pages `{object:'list', data, first_id, last_id, has_more}` (openai-node `CursorPage` pages on the last
 * item's id as `after`).
 */
import { OpenAiError, responsesUsage, unixSeconds } from './openai-wire.ts';
import { isFinal, type OpenAiBatchRecord, type OpenAiFileRecord, type OpenAiState } from './openai-store.ts';

function seconds(ms: number | undefined | null): number | null {
  return ms === undefined || ms === null ? null : unixSeconds(ms);
}

/** A FileObject. */
export function fileJson(file: OpenAiFileRecord): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: unixSeconds(file.createdAtMs),
    expires_at: seconds(file.expiresAtMs),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
  };
}

/** A Batch. Result file ids appear once the batch has ended (while `finalizing` they are being written). */
export function batchJson(state: OpenAiState, batch: OpenAiBatchRecord): Record<string, unknown> {
  const ended = isFinal(batch.status);
  const counted = batch.status !== 'validating' && !(batch.status === 'failed' && batch.validationErrors.length > 0);
  // A clean batch reporting `error_file_id: ""` (tobert/kaibo PR#93), when scripted.
  const noErrorFile = ended && batch.status !== 'failed' && state.emulator.options.faults.openai.emptyErrorFileId ? '' : null;
  const { times, usage } = batch;
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    // Unknown until validation ends (litellm PR#39861 transcript: `model: null` while validating).
    model: batch.status === 'validating' ? null : batch.model,
    errors: batch.validationErrors.length === 0 ? null : { object: 'list', data: batch.validationErrors },
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: ended ? batch.outputFileId : null,
    error_file_id: ended ? (batch.errorFileId ?? noErrorFile) : null,
    created_at: unixSeconds(batch.createdAtMs),
    in_progress_at: seconds(times.in_progress_at),
    expires_at: unixSeconds(batch.createdAtMs + 24 * 60 * 60 * 1000),
    finalizing_at: seconds(times.finalizing_at),
    completed_at: seconds(times.completed_at),
    failed_at: seconds(times.failed_at),
    expired_at: seconds(times.expired_at),
    cancelling_at: seconds(times.cancelling_at),
    cancelled_at: seconds(times.cancelled_at),
    // While validating the counts read 0/0/0 (litellm PR#39861 transcript).
    request_counts: counted ? { total: batch.total, completed: batch.completed, failed: batch.failed } : { total: 0, completed: 0, failed: 0 },
    usage: responsesUsage(usage.input, usage.cached, usage.output, usage.reasoning),
    metadata: batch.metadata,
  };
}

/** Reads `limit` (1..max, default `fallback`). */
export function pageLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new OpenAiError(400, `Invalid 'limit': integer below 1 or above ${max}, or not an integer: '${raw}'.`, 'limit', 'invalid_value');
  }
  return limit;
}

/** One cursor page of `items` (already in list order) after the item `after`. */
export function cursorPage<T extends { id: string }>(items: readonly T[], after: string | undefined, limit: number, render: (item: T) => Record<string, unknown>): Record<string, unknown> {
  let start = 0;
  if (after !== undefined && after !== '') {
    const index = items.findIndex((item) => item.id === after);
    start = index === -1 ? items.length : index + 1;
  }
  const page = items.slice(start, start + limit);
  return {
    object: 'list',
    data: page.map(render),
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: start + limit < items.length,
  };
}
