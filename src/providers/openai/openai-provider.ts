/**
 * @module The OpenAI Batch API behind the {@link BatchProvider} contract, on the official `openai` SDK. The SDK's own
 * retries are off (`maxRetries: 0`): it retries POSTs too, so a create whose answer was lost would make a second
 * batch (spec §10a, P25). Repeatable calls are retried around the provider (resilient-provider.ts); a lost create is
 * found again by the `metadata` tag that carries the job's display name.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import OpenAI, { toStreamingFile } from 'openai';
import { ConfigError, FilesystemError, InputError, NotFoundError, ProviderError, errorMessage, filesystemErrorFrom } from '../../shared/index.ts';
import type { BatchProvider, RemoteJob, UploadedFile } from '../batch-provider.ts';
import { batchToRemoteJob, DISPLAY_NAME_METADATA_KEY, fileIdOf } from './openai-batch.ts';
import { OPENAI_CAPABILITIES } from './openai-capabilities.ts';
import { toOpenAiError, translatingOpenAiErrors } from './openai-errors.ts';
import { openAiInputFile } from './openai-input.ts';
import { OPENAI, OPENAI_ENDPOINT } from './openai-request.ts';
import { readOpenAiResults } from './openai-results.ts';

/** Longest model name the byte limit leaves room for in each rewritten input line (see openai-capabilities.ts). */
const MAX_MODEL_NAME_CHARS = 60;

/** Settings of {@link createOpenAiProvider}. */
export interface OpenAiProviderSettings {
  /** The OpenAI API key. Sent only as the bearer token; never logged or put in an error message. */
  apiKey: string;
  /** Where the API is, `/v1` included (an emulator: `<url>/openai/v1`). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** Page size when listing batches. @default 100 (the API's most) */
  listPageSize?: number;
}

/**
 * Creates an OpenAI batch provider.
 * @example
 * const provider = createOpenAiProvider({ apiKey, baseUrl: `${emulator.url}/openai/v1` });
 */
export function createOpenAiProvider(settings: OpenAiProviderSettings): BatchProvider {
  const { apiKey } = settings;
  if (apiKey.trim() === '') throw new ConfigError('OpenAI provider: the API key is empty; set it (OPENAI_API_KEY)');
  const secrets = [apiKey];
  const pageSize = settings.listPageSize ?? 100;
  // maxRetries 0 on every call: creates and uploads must never be repeated by the SDK (see the module comment).
  const client = new OpenAI({ apiKey, ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }), maxRetries: 0 });
  const call = <T>(where: string, run: () => Promise<T>): Promise<T> => translatingOpenAiErrors(where, secrets, run);

  const retrieve = async (name: string): Promise<OpenAI.Batch> => {
    const where = `getJob(${name})`;
    try {
      return await call(where, () => client.batches.retrieve(name));
    } catch (error) {
      // The contract's one way of saying "no such job", with OpenAI's own words kept.
      if (error instanceof ProviderError && error.status === 404) throw new NotFoundError(error.message);
      throw error;
    }
  };

  /**
   * The bytes of the files `ids`, one after the other, streamed from the raw Response `files.content` gives
   * (openai-node#898): never a whole file in memory. Each file starts on a line of its own.
   */
  async function* joinedFiles(ids: readonly string[], where: string): AsyncGenerator<Uint8Array> {
    for (const id of ids) {
      const response = await call(where, () => client.files.content(id));
      if (response.body === null) continue;
      let endsWithNewline = true;
      for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
        const bytes = chunk as Uint8Array;
        if (bytes.length === 0) continue;
        endsWithNewline = bytes[bytes.length - 1] === 0x0a;
        yield bytes;
      }
      if (!endsWithNewline) yield Buffer.from('\n');
    }
  }

  return {
    name: OPENAI,
    capabilities: OPENAI_CAPABILITIES,

    async uploadFile(path, { displayName, model }): Promise<UploadedFile> {
      const where = `uploadFile(${path})`;
      const localSize = await fileSize(path, where);
      if (localSize === 0) throw new InputError(path, 'is empty; OpenAI cannot take a batch file without requests');
      if (model === undefined) throw new ProviderError(OPENAI, `OpenAI ${where}: the job's model is needed, each OpenAI input line names it`, { isRetryable: false });
      if (model.length > MAX_MODEL_NAME_CHARS) throw new ConfigError(`model "${model}" is longer than ${MAX_MODEL_NAME_CHARS} characters`);
      // Streamed while it uploads: the lines are rewritten into OpenAI's (openai-input.ts), never held whole.
      const file = toStreamingFile(openAiInputFile(path, model), `${displayName || basename(path)}.jsonl`, { type: 'application/jsonl' });
      const uploaded = await call(where, () => client.files.create({ file, purpose: 'batch' }, { maxRetries: 0 }));
      return { name: uploaded.id, sizeBytes: uploaded.bytes };
    },

    async createJob({ model: _model, inputFile, displayName, task }) {
      const where = `createJob(${displayName})`;
      if (task === 'embed') throw new ProviderError(OPENAI, `OpenAI ${where}: the OpenAI provider does not run embedding stages yet`, { isRetryable: false });
      // Never retried (maxRetries 0): after an error the engine reconciles by the metadata tag.
      const batch = await call(where, () =>
        client.batches.create(
          { input_file_id: inputFile, endpoint: OPENAI_ENDPOINT, completion_window: '24h', metadata: { [DISPLAY_NAME_METADATA_KEY]: displayName } },
          { maxRetries: 0 },
        ),
      );
      return batchToRemoteJob(batch);
    },

    async getJob(name) {
      return batchToRemoteJob(await retrieve(name));
    },

    async findJobsByDisplayName(displayName) {
      const where = `findJobsByDisplayName(${displayName})`;
      return call(where, async () => {
        const found: RemoteJob[] = [];
        for await (const batch of client.batches.list({ limit: pageSize })) {
          if (batch.metadata?.[DISPLAY_NAME_METADATA_KEY] === displayName) found.push(batchToRemoteJob(batch));
        }
        return found;
      });
    },

    async cancelJob(name) {
      await call(`cancelJob(${name})`, () => client.batches.cancel(name));
    },

    async downloadResults(job, destPath) {
      const where = `downloadResults(${job.name})`;
      // The ids are read again: the engine keeps one result file per job, OpenAI has an output and an error file.
      const batch = await retrieve(job.name);
      const files = [fileIdOf(batch.output_file_id), fileIdOf(batch.error_file_id)].filter((id) => id !== undefined);
      if (files.length === 0) throw new NotFoundError(`OpenAI ${where}: the batch has no output or error file (status ${batch.status})`);
      try {
        await pipeline(Readable.from(joinedFiles(files, where)), createWriteStream(destPath));
      } catch (error) {
        // The disk's trouble is the disk's; a body that broke off is the network's, and worth another try.
        throw filesystemErrorFrom(error) ?? toOpenAiError(error, where, secrets, { network: true });
      }
    },

    async deleteFile(name) {
      try {
        // One try: the engine deletes only to free storage, and a file left behind expires on its own.
        await call(`deleteFile(${name})`, () => client.files.delete(name));
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) return;
        throw error;
      }
    },

    readResults: readOpenAiResults,
  };
}

async function fileSize(path: string, where: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new FilesystemError(`OpenAI ${where}: cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}
