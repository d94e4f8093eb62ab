/**
 * @module The OpenAI Files and Batch endpoints, a Hono sub-app mounted at `/openai/v1` (the SDK's
 * `baseURL: <emulator>/openai/v1`). Every call goes through the emulator's endpoint guard (counted per
 * `openai.*` endpoint, outages and `faults.http` apply) and then Bearer auth; answers carry `x-request-id` and
 * errors OpenAI's `{error:{message,type,param,code}}`. Each POST is new: a create retried after a lost answer
 * makes a second batch, as on the real API (spec §10a, P25: the SDK retries POSTs twice by default).
 */
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type { EndpointGuard } from '../endpoint-guard.ts';
import type { EndpointName } from '../faults.ts';
import { isJsonObject } from '../proto-json.ts';
import { linkBatchInput, type OpenAiBatchRunner } from './batch-runner.ts';
import { validateBatchInput } from './batch-validation.ts';
import { readMultipartUpload } from './multipart-upload.ts';
import { batchJson, cursorPage, fileJson, pageLimit } from './openai-json.ts';
import { isFinal, nextSeq, type OpenAiBatchRecord, type OpenAiFileRecord, type OpenAiState } from './openai-store.ts';
import { OpenAiError, checkBearer, newRequestId, openAiErrorBody, openAiErrorResponse, openAiJson, seededId } from './openai-wire.ts';

/** Batch input files: `.jsonl` only, at most 200 MB (openai-node files.ts doc comment; curator#111). */
export const MAX_BATCH_FILE_BYTES = 200 * 1024 * 1024;
const DEFAULT_FILE_LIFETIME_S = 30 * 24 * 60 * 60;
/** The batch endpoints the emulator answers (of those the real API accepts, below). */
const SUPPORTED_ENDPOINTS = ['/v1/chat/completions', '/v1/responses'];
/** Batch endpoints the real API accepts (openai-node BatchCreateParams.endpoint). */
const KNOWN_ENDPOINTS = ['/v1/responses', '/v1/chat/completions', '/v1/embeddings', '/v1/completions', '/v1/moderations', '/v1/images/generations', '/v1/images/edits', '/v1/videos'];

function noSuchFile(id: string, param: string | null = null): OpenAiError {
  return new OpenAiError(404, `No such File object: ${id}`, param);
}

function liveFile(state: OpenAiState, id: string, param: string | null = null): OpenAiFileRecord {
  const file = state.files.get(id);
  if (file === undefined || (file.expiresAtMs !== null && file.expiresAtMs <= state.emulator.options.clock.now())) throw noSuchFile(id, param);
  return file;
}

function findBatch(state: OpenAiState, id: string): OpenAiBatchRecord {
  const batch = state.batches.get(id);
  if (batch === undefined) throw new OpenAiError(404, `No such Batch: ${id}`);
  return batch;
}

function newestFirst<T extends { seq: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.seq - a.seq);
}

/** `metadata`: at most 16 string pairs, keys ≤ 64 and values ≤ 512 characters (openai-node `Shared.Metadata`). */
function readMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  const invalid = (why: string): OpenAiError => new OpenAiError(400, `Invalid 'metadata': ${why}`, 'metadata', 'invalid_value');
  if (!isJsonObject(value)) throw invalid('expected an object of string pairs.');
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalid(`too many pairs (${entries.length}); at most 16.`);
  for (const [key, pair] of entries) {
    if (key.length > 64) throw invalid(`key '${key.slice(0, 64)}…' is longer than 64 characters.`);
    if (typeof pair !== 'string') throw invalid(`the value of '${key}' must be a string.`);
    if (pair.length > 512) throw invalid(`the value of '${key}' is longer than 512 characters.`);
  }
  return value as Record<string, string>;
}

async function readJsonBody(c: Context): Promise<Record<string, unknown>> {
  const body: unknown = await c.req.json().catch(() => undefined);
  if (!isJsonObject(body)) throw new OpenAiError(400, 'We could not parse the JSON body of your request. The body must be a JSON object.');
  return body;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) throw new OpenAiError(400, `Missing required parameter: '${name}'.`, name, 'missing_required_parameter');
  if (typeof value !== 'string') throw new OpenAiError(400, `Invalid type for '${name}': expected a string.`, name, 'invalid_type');
  return value;
}

/**
 * The guard's refusal (a Google error body) as OpenAI sends one: a 429 is `type: requests`,
 * `code: rate_limit_exceeded` (OpenAI error-codes guide); a 5xx is a `server_error`. `Retry-After` is kept.
 */
async function openAiShapedRefusal(response: Response): Promise<Response> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  const message = body?.error?.message ?? `HTTP ${response.status}`;
  const [type, code] = response.status === 429 ? ['requests', 'rate_limit_exceeded'] : ['server_error', null];
  const shaped = openAiJson(openAiErrorBody(message, type, null, code), response.status);
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null) shaped.headers.set('retry-after', retryAfter);
  return shaped;
}

/** The routes, to mount at `/openai/v1`. */
export function openAiRoutes(state: OpenAiState, runner: OpenAiBatchRunner, guard: EndpointGuard): Hono {
  const { clock, seed } = state.emulator.options;
  const app = new Hono();
  const handle = async (c: Context, endpoint: EndpointName, work: () => Promise<Response>): Promise<Response> => {
    let handled = false;
    const response = await guard(
      c,
      endpoint,
      async () => {
        handled = true;
        const refused = checkBearer(c, state.emulator.options.apiKey);
        if (refused !== undefined) return refused;
        try {
          return await work();
        } catch (error) {
          return openAiErrorResponse(error);
        }
      },
      { authenticate: false },
    );
    // A scripted HTTP fault or outage answered before the handler ran: say it in OpenAI's words.
    return handled || response.status < 400 ? response : openAiShapedRefusal(response);
  };

  app.post('/files', (c) =>
    handle(c, 'openai.files.create', async () => {
      const seq = nextSeq(state);
      const id = seededId('file-', seed, `file:${seq}`);
      const path = join(state.dir, 'files', id);
      const temp = join(state.dir, 'uploads', `${id}.part`);
      try {
        const form = await readMultipartUpload(c.req.raw, temp, MAX_BATCH_FILE_BYTES);
        const purpose = form.fields.get('purpose');
        if (purpose === undefined) throw new OpenAiError(400, "Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
        if (form.file === undefined) throw new OpenAiError(400, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
        if (purpose !== 'batch') throw new OpenAiError(400, `The emulator stores files for the Batch API only: purpose '${purpose}' is not 'batch'.`, 'purpose', 'invalid_value');
        // litellm PR#37527 records the real wording; curator#111 the size refusal.
        if (!form.file.name.endsWith('.jsonl')) throw new OpenAiError(400, 'Invalid file format for Batch API. Must be .jsonl', 'file');
        if (form.tooLarge) throw new OpenAiError(400, 'File is too large.', 'file');
        const anchorSeconds = form.fields.get('expires_after[seconds]');
        const lifetime = anchorSeconds === undefined ? DEFAULT_FILE_LIFETIME_S : Number(anchorSeconds);
        if (!Number.isInteger(lifetime) || lifetime < 3600 || lifetime > 2_592_000) {
          throw new OpenAiError(400, "Invalid 'expires_after.seconds': must be an integer from 3600 to 2592000.", 'expires_after.seconds', 'invalid_value');
        }
        await rename(temp, path);
        const now = clock.now();
        const record: OpenAiFileRecord = { id, seq, filename: form.file.name, purpose, bytes: form.file.bytes, createdAtMs: now, expiresAtMs: now + lifetime * 1000, path };
        state.files.set(id, record);
        state.counters.filesUploaded++;
        state.counters.bytesUploaded += record.bytes;
        await state.save();
        return openAiJson(fileJson(record));
      } finally {
        await rm(temp, { force: true });
      }
    }),
  );

  app.get('/files', (c) =>
    handle(c, 'openai.files.list', () => {
      const now = clock.now();
      const purpose = c.req.query('purpose');
      let files = newestFirst(state.files.values()).filter((file) => (file.expiresAtMs === null || file.expiresAtMs > now) && (purpose === undefined || file.purpose === purpose));
      if (c.req.query('order') === 'asc') files = files.reverse();
      return Promise.resolve(openAiJson(cursorPage(files, c.req.query('after'), pageLimit(c.req.query('limit'), 10_000, 10_000), fileJson)));
    }),
  );

  app.get('/files/:id', (c) => handle(c, 'openai.files.get', () => Promise.resolve(openAiJson(fileJson(liveFile(state, c.req.param('id')))))));

  app.get('/files/:id/content', (c) =>
    handle(c, 'openai.files.content', () => {
      const file = liveFile(state, c.req.param('id'));
      const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
      return Promise.resolve(
        new Response(body, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes), 'x-request-id': newRequestId() } }),
      );
    }),
  );

  app.delete('/files/:id', (c) =>
    handle(c, 'openai.files.delete', async () => {
      const file = liveFile(state, c.req.param('id'));
      state.files.delete(file.id);
      state.counters.filesDeleted++;
      await state.save();
      // Batches reading it hold their own hard link.
      await rm(file.path, { force: true });
      return openAiJson({ id: file.id, object: 'file', deleted: true });
    }),
  );

  app.post('/batches', (c) =>
    handle(c, 'openai.batches.create', async () => {
      const body = await readJsonBody(c);
      const inputFileId = requiredString(body, 'input_file_id');
      const endpoint = requiredString(body, 'endpoint');
      const window = requiredString(body, 'completion_window');
      if (!KNOWN_ENDPOINTS.includes(endpoint)) {
        const supported = KNOWN_ENDPOINTS.map((known) => `'${known}'`).join(', ');
        throw new OpenAiError(400, `Invalid value: '${endpoint}'. Supported values are: ${supported}.`, 'endpoint', 'invalid_value');
      }
      if (!SUPPORTED_ENDPOINTS.includes(endpoint)) {
        throw new OpenAiError(400, `The emulator answers batches for ${SUPPORTED_ENDPOINTS.join(', ')} only, not '${endpoint}'.`, 'endpoint', 'unsupported_value');
      }
      if (window !== '24h') throw new OpenAiError(400, `Invalid value: '${window}'. Supported values are: '24h'.`, 'completion_window', 'invalid_value');
      const metadata = readMetadata(body['metadata']);
      const input = liveFile(state, inputFileId, 'input_file_id');
      if (input.purpose !== 'batch') {
        throw new OpenAiError(400, `Invalid 'input_file_id': '${inputFileId}' has purpose '${input.purpose}'; a batch reads a file uploaded with purpose 'batch'.`, 'input_file_id', 'invalid_value');
      }
      const seq = nextSeq(state);
      const ordinal = ++state.issued.ordinal;
      const id = seededId('batch_', seed, `batch:${seq}`, 32);
      const { dir, inputPath } = await linkBatchInput(state, id, input);
      const validation = await validateBatchInput(inputPath, endpoint);
      const fault = state.emulator.options.faults.openai.batches.find(
        (rule) =>
          (rule.nth === undefined || rule.nth === ordinal) &&
          (rule.metadataContains === undefined || Object.values(metadata ?? {}).some((value) => value.includes(rule.metadataContains ?? ''))),
      );
      const batch: OpenAiBatchRecord = {
        id,
        seq,
        ordinal,
        endpoint,
        inputFileId,
        inputPath,
        completionWindow: window,
        metadata,
        model: validation.model,
        createdAtMs: clock.now(),
        status: 'validating',
        times: {},
        validationErrors: validation.errors,
        total: validation.total,
        completed: 0,
        failed: 0,
        outputFileId: null,
        errorFileId: null,
        usage: { input: 0, cached: 0, output: 0, reasoning: 0 },
        fault,
        dir,
      };
      state.batches.set(id, batch);
      state.counters.batchesCreated++;
      await state.save();
      return openAiJson(batchJson(state, batch));
    }),
  );

  app.get('/batches', (c) =>
    handle(c, 'openai.batches.list', async () => {
      const limit = pageLimit(c.req.query('limit'), 20, 100);
      const batches = newestFirst(state.batches.values());
      for (const batch of batches) if (!isFinal(batch.status)) await runner.observe(batch);
      return openAiJson(cursorPage(batches, c.req.query('after'), limit, (batch) => batchJson(state, batch)));
    }),
  );

  app.get('/batches/:id', (c) =>
    handle(c, 'openai.batches.get', async () => {
      const batch = findBatch(state, c.req.param('id'));
      await runner.observe(batch);
      return openAiJson(batchJson(state, batch));
    }),
  );

  app.post('/batches/:id/cancel', (c) =>
    handle(c, 'openai.batches.cancel', async () => {
      const batch = findBatch(state, c.req.param('id'));
      const cancelled = await runner.cancel(batch);
      if (!cancelled && batch.status !== 'finalizing') {
        throw new OpenAiError(400, `Cannot cancel a batch with status '${batch.status}'.`);
      }
      return openAiJson(batchJson(state, batch));
    }),
  );

  // OpenAI's answer to a path it does not have, e.g. `{"error":{"message":"Invalid URL (GET /v1/foo)",…}}`.
  app.all('*', (c) => {
    const path = c.req.path.replace(/^.*?\/openai(?=\/v1\b)/, '');
    return openAiJson(openAiErrorBody(`Invalid URL (${c.req.method} ${path})`, 'invalid_request_error', null, null), 404);
  });

  return app;
}
