/**
 * @module The Operation envelope Google wraps a batch in: the batch in `metadata` (with its `@type`, and `name`
 * repeated), counts as strings with zeros left out, the output both in `metadata.output` (read by the SDK) and
 * top-level `response` (read by the docs), inline responses nested twice, `done` only when ended, and
 * `error` instead of `response` on FAILED, CANCELLED and EXPIRED.
 */
import { toRfc3339Nanos } from '../shared/index.ts';
import { isTerminal, type BatchRecord } from './emulator-state.ts';
import type { JsonObject } from './proto-json.ts';

const BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';
const OUTPUT_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput';
// Embedding jobs: the JS SDK's fixture test/unit/batch_embedding_test.ts (spec §3.3).
const EMBED_BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch';
const EMBED_OUTPUT_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput';

/**
 * Counts that always add up: requested = succeeded + failed + pending. A cancelled, failed or expired job's
 * unprocessed requests stay pending (the real shape after a cancel; issue #16 saw 3000 requested, 820 succeeded
 * and nothing else, which does not add up).
 */
function batchStats(batch: BatchRecord): JsonObject {
  const pending = batch.requestCount - batch.succeeded - batch.failed;
  const counts: [string, number][] = [
    ['requestCount', batch.requestCount],
    ['successfulRequestCount', batch.succeeded],
    ['failedRequestCount', batch.failed],
    ['pendingRequestCount', pending],
  ];
  return Object.fromEntries(counts.filter(([, value]) => value !== 0).map(([name, value]) => [name, String(value)]));
}

function outputJson(batch: BatchRecord, includeInlineResponses: boolean): JsonObject | undefined {
  const output = batch.output;
  if (output === undefined) return undefined;
  if (output.kind === 'file') return { responsesFile: output.fileName };
  return includeInlineResponses ? { inlinedResponses: { inlinedResponses: output.results } } : undefined;
}

/** The Operation JSON of `batch`; lists leave inline responses out, as Google's do. */
export function operationJson(batch: BatchRecord, options: { includeInlineResponses: boolean }): JsonObject {
  const name = `batches/${batch.id}`;
  const output = outputJson(batch, options.includeInlineResponses);
  const done = isTerminal(batch.state);
  return {
    name,
    metadata: {
      '@type': batch.task === 'embed' ? EMBED_BATCH_TYPE : BATCH_TYPE,
      model: batch.model,
      ...(batch.displayName === undefined ? {} : { displayName: batch.displayName }),
      ...(batch.input.kind === 'file' ? { inputConfig: { fileName: batch.input.fileName } } : {}),
      ...(output === undefined ? {} : { output }),
      createTime: toRfc3339Nanos(batch.createTimeMs),
      updateTime: toRfc3339Nanos(batch.updateTimeMs),
      ...(batch.endTimeMs === undefined ? {} : { endTime: toRfc3339Nanos(batch.endTimeMs) }),
      batchStats: batchStats(batch),
      state: batch.state,
      name,
    },
    ...(done ? { done: true } : {}),
    // Done: exactly one of error or response (DOC-ref Operation: "If done == true, exactly one of error or
    // response can be set"). A cancelled or failed job's processed lines stay reachable in metadata.output.
    ...(done && batch.error !== undefined ? { error: batch.error } : {}),
    ...(done && batch.error === undefined && output !== undefined ? { response: { '@type': batch.task === 'embed' ? EMBED_OUTPUT_TYPE : OUTPUT_TYPE, ...output } } : {}),
  };
}
