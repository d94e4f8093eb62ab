/**
 * @module Anthropic Message Batches behind the {@link BatchProvider} contract, on the official `@anthropic-ai/sdk`.
 * There is no upload: `uploadFile` names the engine's local JSONL shard, and `createJob` streams its lines into the
 * create body. Results are streamed to disk, each line with its truebatch key put back (anthropic-ids.ts). A batch
 * has no name or metadata, so a lost create is found by its `custom_id` tag (see README.md, "Exactly once").
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages/batches';
import { ConfigError, CreateUndecidedError, FilesystemError, InputError, JsonlWriter, NotFoundError, ProviderError, errorMessage, readLines } from '../../shared/index.ts';
import type { BatchProvider, LostCreate, RemoteJob, RemoteJobState } from '../batch-provider.ts';
import { ANTHROPIC_CAPABILITIES } from './anthropic-capabilities.ts';
import { translatingErrors } from './anthropic-errors.ts';
import { customIdOf, jobTag, keysByLine, parseCustomId } from './anthropic-ids.ts';
import { ANTHROPIC_PROVIDER_NAME } from './anthropic-request.ts';
import { readAnthropicResults } from './anthropic-results.ts';

/** Settings of {@link createAnthropicProvider}. */
export interface AnthropicProviderSettings {
  /** Sent only as the `X-Api-Key` header; never logged or put in an error message. */
  apiKey: string;
  /** Where the API is (the emulator's `<url>/anthropic`, a proxy). @default the SDK's, https://api.anthropic.com */
  baseUrl?: string;
  /**
   * How far the provider's clock may run behind ours: batches created this long before a lost create's job was
   * planned are still looked at. @default 10 minutes
   */
  clockSkewMs?: number;
}

/**
 * Creates an Anthropic Message Batches provider.
 * @example
 * const provider = createAnthropicProvider({ apiKey, baseUrl: `${emulator.url}/anthropic` });
 */
export function createAnthropicProvider(settings: AnthropicProviderSettings): BatchProvider {
  const { apiKey } = settings;
  if (apiKey.trim() === '') throw new ConfigError('Anthropic provider: the API key is empty; set ANTHROPIC_API_KEY');
  const secrets = [apiKey];
  const skewMs = settings.clockSkewMs ?? 10 * 60 * 1000;
  // maxRetries 0: repeatable calls are retried around every provider (resilient-provider.ts), creates never (a
  // retried create would make a second batch: the SDK retries POSTs too by default).
  const client = new Anthropic({ apiKey, maxRetries: 0, ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }) });

  const retrieve = async (name: string): Promise<MessageBatch> => {
    try {
      return await translatingErrors(`getJob(${name})`, secrets, () => client.messages.batches.retrieve(name));
    } catch (error) {
      if (error instanceof ProviderError && error.status === 404) throw new NotFoundError(error.message);
      throw error;
    }
  };

  /** The lines of an ended batch's results, as text, streamed (not the SDK's `results()`: a bad line must not throw). */
  async function* resultLines(batch: MessageBatch, where: string): AsyncGenerator<string> {
    const url = batch.results_url;
    if (url === null) throw new NotFoundError(`Anthropic ${where}: batch ${batch.id} has no results yet (${batch.processing_status})`);
    const response = await translatingErrors(where, secrets, () => client.get(url, { headers: { Accept: 'application/binary' } }).asResponse());
    if (response.body === null) return;
    const lines = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line.trim() !== '') yield line;
    } finally {
      lines.close();
    }
  }

  /** The job tag of an ended batch's first result line (undefined when truebatch did not name it). */
  const tagOf = async (batch: MessageBatch, where: string): Promise<string | undefined> => {
    for await (const line of resultLines(batch, where)) {
      try {
        const customId: unknown = (JSON.parse(line) as { custom_id?: unknown }).custom_id;
        return typeof customId === 'string' ? parseCustomId(customId)?.tag : undefined;
      } catch {
        return undefined;
      }
    }
    return undefined;
  };

  return {
    name: ANTHROPIC_PROVIDER_NAME,
    capabilities: ANTHROPIC_CAPABILITIES,

    // No upload: the requests travel inline in the create call. The local shard is the record of what was sent.
    async uploadFile(path) {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (error) {
        throw new FilesystemError(`Anthropic uploadFile(${path}): cannot read ${path}: ${errorMessage(error)}`, { cause: error });
      }
      if (size === 0) throw new InputError(path, 'is empty; Anthropic cannot take a batch without requests');
      return { name: path, sizeBytes: size };
    },

    async createJob({ model, inputFile, displayName, task }) {
      if (task === 'embed') throw new ProviderError(ANTHROPIC_PROVIDER_NAME, 'Anthropic has no embedding batches', { isRetryable: false });
      const where = `createJob(${displayName})`;
      const body = createBody(inputFile, model, jobTag(displayName));
      // Not batches.create: it copies its params with an object spread, which a streamed body does not survive. The
      // body is streamed from the shard (up to 256 MB), never held in memory.
      const batch = await translatingErrors(where, secrets, () =>
        client.post<MessageBatch>('/v1/messages/batches', { body, headers: { 'content-type': 'application/json' }, maxRetries: 0 }),
      );
      return remoteJobOf(batch);
    },

    getJob: async (name) => remoteJobOf(await retrieve(name)),

    async findJobsByDisplayName(displayName, lostCreate?: LostCreate) {
      const where = `findJobsByDisplayName(${displayName})`;
      const tag = jobTag(displayName);
      const notBefore = lostCreate === undefined ? -Infinity : lostCreate.notBefore - skewMs;
      const found: RemoteJob[] = [];
      const undecided: string[] = [];
      await translatingErrors(where, secrets, async () => {
        // Newest first: stop at the first batch created before the job was planned.
        for await (const batch of client.messages.batches.list({ limit: 100 })) {
          if (Date.parse(batch.created_at) < notBefore) break;
          const counts = batch.request_counts;
          if (batch.processing_status !== 'ended') {
            // Counts stay zero until the batch ends (Message Batches docs); `processing` never exceeds the total.
            if (lostCreate === undefined || counts.processing <= lostCreate.requestCount) undecided.push(batch.id);
            continue;
          }
          const total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
          if (lostCreate !== undefined && total !== lostCreate.requestCount) continue;
          if ((await tagOf(batch, where)) === tag) found.push(remoteJobOf(batch));
        }
      });
      if (found.length > 0 || undecided.length === 0) return found;
      throw new CreateUndecidedError(
        `Anthropic cannot tell yet whether ${displayName} was created: ${undecided.length === 1 ? 'batch' : 'batches'} ` +
          `${undecided.join(', ')} may be it, and a batch shows which requests it holds only once it has ended; ` +
          'nothing is created meanwhile, truebatch looks again later',
      );
    },

    async cancelJob(name) {
      await translatingErrors(`cancelJob(${name})`, secrets, () => client.messages.batches.cancel(name));
    },

    async downloadResults(job, destPath, inputFile) {
      const where = `downloadResults(${job.name})`;
      if (inputFile === undefined) throw new InputError(where, "needs the job's input file to join its results to request keys");
      const keys = await keysByLine(inputFile);
      const tag = job.displayName === undefined ? undefined : jobTag(job.displayName);
      const batch = await retrieve(job.name);
      const writer = new JsonlWriter(destPath);
      try {
        for await (const line of resultLines(batch, where)) await writer.writeRaw(withKey(line, keys, tag));
      } finally {
        await writer.close();
      }
    },

    // The input file is the engine's local shard (removed by the engine); a batch's results expire on their own.
    deleteFile: () => Promise.resolve(),

    readResults: readAnthropicResults,
  };
}

/**
 * The create body, `{"requests":[{"custom_id","params":{"model",...request}}, …]}`, streamed from the shard: one line
 * in memory at a time. `custom_id` is `<job tag>-<line number>` (anthropic-ids.ts).
 */
async function* createBody(inputFile: string, model: string, tag: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from('{"requests":[');
  let first = true;
  for await (const { lineNumber, text } of readLines(inputFile)) {
    let request: unknown;
    try {
      request = (JSON.parse(text) as { request?: unknown }).request;
    } catch (error) {
      throw new InputError(`${inputFile} line ${lineNumber}`, `is not JSON: ${errorMessage(error)}`);
    }
    if (typeof request !== 'object' || request === null) throw new InputError(`${inputFile} line ${lineNumber}`, 'has no request');
    yield Buffer.from(`${first ? '' : ','}${JSON.stringify({ custom_id: customIdOf(tag, lineNumber), params: { model, ...request } })}`);
    first = false;
  }
  if (first) throw new InputError(inputFile, 'holds no requests');
  yield Buffer.from(']}');
}

/** A result line with the request key its `custom_id` names put in front; a line truebatch cannot join stays as it is. */
function withKey(line: string, keys: ReadonlyMap<number, string>, tag: string | undefined): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return line;
  const customId: unknown = (value as { custom_id?: unknown }).custom_id;
  const named = typeof customId === 'string' ? parseCustomId(customId) : undefined;
  if (named === undefined || (tag !== undefined && named.tag !== tag)) return line;
  const key = keys.get(named.lineNumber);
  return key === undefined ? line : JSON.stringify({ key, ...value });
}

/** A batch as the engine knows a job. Its counts are unknown until it ends: every count but `processing` is zero. */
function remoteJobOf(batch: MessageBatch): RemoteJob {
  const counts = batch.request_counts;
  const ended = batch.processing_status === 'ended';
  return {
    name: batch.id,
    displayName: undefined,
    state: stateOf(batch),
    rawState: batch.processing_status,
    requestCounts: ended
      ? {
          total: counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired,
          succeeded: counts.succeeded,
          failed: counts.errored + counts.canceled + counts.expired,
          pending: counts.processing,
        }
      : undefined,
    outputFile: batch.results_url ?? undefined,
    error: undefined,
    createTime: batch.created_at,
    endTime: batch.ended_at ?? undefined,
  };
}

/**
 * An ended batch is `cancelled` when a cancel was asked for, `expired` when requests ran out of time, else
 * `succeeded` (its errored lines are per-request failures, as for Gemini).
 */
function stateOf(batch: MessageBatch): RemoteJobState {
  if (batch.processing_status !== 'ended') return 'running';
  if (batch.cancel_initiated_at !== null) return 'cancelled';
  return batch.request_counts.expired > 0 ? 'expired' : 'succeeded';
}
