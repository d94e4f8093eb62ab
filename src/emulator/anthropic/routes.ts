/**
 * @module The Message Batches API routes (`/v1/messages/batches…`, served under `/anthropic`): create, retrieve,
 * list (newest first; `before_id`, `after_id`, `limit` 1–1000, default 20; `{data, has_more, first_id, last_id}`),
 * cancel, delete, and the results JSONL a batch's `results_url` names, streamed from its file. Reading a batch
 * advances it to the clock first.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type { EmulatorState } from '../emulator-state.ts';
import { requestItemTexts } from './body-stream.ts';
import { AnthropicApiError, anthropicErrorResponse } from './errors.ts';
import { MAX_BATCH_BYTES, createMessageBatch, tooLargeError } from './batch-create.ts';
import { BATCH_FILES, archivedAtMs, batchJson, type AnthropicBatch, type AnthropicState } from './batch-record.ts';
import type { AnthropicRunner } from './batch-runner.ts';
import type { AnthropicGuard } from './guard.ts';

/** The prefix the Anthropic API is served under: the SDK's `baseURL` is `<emulator url>/anthropic`. */
export const ANTHROPIC_PREFIX = '/anthropic';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

function findBatch(anthropic: AnthropicState, id: string): AnthropicBatch {
  const batch = anthropic.batches.get(id);
  if (batch === undefined) throw new AnthropicApiError(404, `message_batch ${id} not found`);
  return batch;
}

/** Where the client reaches this batch's results: absolute, as the SDK fetches `results_url` as given. */
function resultsUrl(c: Context, id: string): string {
  return `${new URL(c.req.url).origin}${ANTHROPIC_PREFIX}/v1/messages/batches/${id}/results`;
}

function limitOf(c: Context): number {
  const raw = c.req.query('limit');
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AnthropicApiError(400, `limit: Input should be an integer between 1 and ${MAX_LIMIT}, got "${raw}"`);
  }
  return limit;
}

/** One page of `batches` (newest first) after `after_id` or before `before_id`. */
function pageOf(anthropic: AnthropicState, c: Context): { page: AnthropicBatch[]; hasMore: boolean } {
  const limit = limitOf(c);
  const afterId = c.req.query('after_id');
  const beforeId = c.req.query('before_id');
  if (afterId !== undefined && beforeId !== undefined) throw new AnthropicApiError(400, 'Only one of before_id and after_id may be given.');
  const newestFirst = [...anthropic.batches.values()].sort((a, b) => b.seq - a.seq);
  const cursor = afterId ?? beforeId;
  const at = cursor === undefined ? -1 : newestFirst.findIndex((batch) => batch.id === cursor);
  if (cursor !== undefined && at < 0) throw new AnthropicApiError(404, `message_batch ${cursor} not found`);
  if (beforeId !== undefined) {
    const start = Math.max(0, at - limit);
    return { page: newestFirst.slice(start, at), hasMore: start > 0 };
  }
  const start = at + 1;
  return { page: newestFirst.slice(start, start + limit), hasMore: start + limit < newestFirst.length };
}

/** The `/v1/messages/batches…` routes. */
export function anthropicRoutes(state: EmulatorState, anthropic: AnthropicState, runner: AnthropicRunner, guard: AnthropicGuard): Hono {
  const app = new Hono();
  const now = (): number => state.options.clock.now();

  app.post('/v1/messages/batches', (c) =>
    guard(c, 'anthropic.batches.create', async () => {
      if (Number(c.req.header('content-length') ?? '0') > MAX_BATCH_BYTES) throw tooLargeError();
      const body = c.req.raw.body ?? [];
      const batch = await createMessageBatch(state, anthropic, requestItemTexts(body, MAX_BATCH_BYTES, tooLargeError));
      return c.json(batchJson(batch, resultsUrl(c, batch.id), now()));
    }),
  );

  app.get('/v1/messages/batches', (c) =>
    guard(c, 'anthropic.batches.list', async () => {
      const { page, hasMore } = pageOf(anthropic, c);
      for (const batch of page) await runner.observe(batch);
      return c.json({
        data: page.map((batch) => batchJson(batch, resultsUrl(c, batch.id), now())),
        has_more: hasMore,
        first_id: page[0]?.id ?? null,
        last_id: page.at(-1)?.id ?? null,
      });
    }),
  );

  app.get('/v1/messages/batches/:id', (c) =>
    guard(c, 'anthropic.batches.get', async () => {
      const batch = findBatch(anthropic, c.req.param('id'));
      await runner.observe(batch);
      return c.json(batchJson(batch, resultsUrl(c, batch.id), now()));
    }),
  );

  app.post('/v1/messages/batches/:id/cancel', (c) =>
    guard(c, 'anthropic.batches.cancel', async () => {
      const batch = findBatch(anthropic, c.req.param('id'));
      await runner.cancel(batch);
      return c.json(batchJson(batch, resultsUrl(c, batch.id), now()));
    }),
  );

  app.delete('/v1/messages/batches/:id', (c) =>
    guard(c, 'anthropic.batches.delete', async () => {
      const batch = findBatch(anthropic, c.req.param('id'));
      await runner.observe(batch);
      await runner.remove(batch);
      return c.json({ id: batch.id, type: 'message_batch_deleted' });
    }),
  );

  app.get('/v1/messages/batches/:id/results', (c) =>
    guard(c, 'anthropic.batches.results', async () => {
      const batch = findBatch(anthropic, c.req.param('id'));
      await runner.observe(batch);
      if (batch.status !== 'ended') {
        throw new AnthropicApiError(400, `Message Batch ${batch.id} has not ended (processing_status "${batch.status}"): its results are not available yet.`);
      }
      if (now() >= archivedAtMs(batch)) throw new AnthropicApiError(404, `The results of Message Batch ${batch.id} have been archived and are no longer available.`);
      anthropic.counters.resultsDownloads++;
      const stream = Readable.toWeb(createReadStream(join(batch.dir, BATCH_FILES.results))) as ReadableStream<Uint8Array>;
      return new Response(stream, { headers: { 'content-type': 'application/binary' } });
    }),
  );

  app.all('*', (c) => anthropicErrorResponse(404, `The emulator has no Anthropic endpoint for ${c.req.method} ${c.req.path}.`));
  return app;
}
