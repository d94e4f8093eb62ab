/**
 * @module The Gemini Batch API behind the {@link BatchProvider} contract, on the official `@google/genai` SDK
 * (plus raw REST where it falls short: the Operation read, downloads, and resumable uploads that survive a broken
 * chunk). All state lives in the returned object.
 */
import { stat } from 'node:fs/promises';
import { GoogleGenAI } from '@google/genai';
import {
  ConfigError,
  FilesystemError,
  InputError,
  NotFoundError,
  ProviderError,
  errorMessage,
  systemClock,
  type Clock,
} from '../../shared/index.ts';
import type { BatchProvider, RemoteJob, UploadedFile } from '../batch-provider.ts';
import { createGeminiCaches } from './gemini-caches.ts';
import { DEFAULT_RETRY_POLICY, type Random, type RetryPolicy } from '../retry-policy.ts';
import { GEMINI_CAPABILITIES } from './gemini-capabilities.ts';
import { geminiDocuments } from './gemini-documents.ts';
import { GEMINI_PROVIDER_NAME, translatingErrors } from './gemini-errors.ts';
import { geminiInteractive } from './gemini-interactive.ts';
import { batchJobToRemoteJob, normaliseOperation } from './gemini-operation.ts';
import { createGeminiRestClient } from './gemini-rest.ts';
import { uploadResumable, UPLOAD_CHUNK_BYTES } from './gemini-resumable-upload.ts';
import { readGeminiResults } from './gemini-results.ts';

/** Google's endpoint for the Gemini Developer API. */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** Settings of {@link createGeminiProvider}. */
export interface GeminiProviderSettings {
  /** The Gemini API key. Sent only as the `x-goog-api-key` header; never logged or put in an error message. */
  apiKey: string;
  /**
   * Where the API is (an emulator, a proxy; a path prefix is kept).
   * @default 'https://generativelanguage.googleapis.com'
   */
  baseUrl?: string;
  /**
   * The API version path segment. Pinned because SDK 3.x defaults to `v1`, while every batch document uses `v1beta`.
   * @default 'v1beta'
   */
  apiVersion?: string;
  /**
   * The MIME type declared for uploaded JSONL. The SDK has no mapping for `.jsonl`, and the real server has
   * refused `jsonl` at times; `application/json` has the most evidence of working.
   * @default 'application/json'
   */
  uploadMimeType?: string;
  /** Sleeps between the tries of an upload step. @default systemClock */
  clock?: Clock;
  /**
   * The retry policy of upload steps (src/providers/retry-policy.ts): a failed chunk is resumed from the server's
   * committed offset, and `attempts` counts failures in a row without a new committed byte. Every other call that
   * is safe to repeat is retried around the provider (resilient-provider.ts); creates are never retried.
   * @default DEFAULT_RETRY_POLICY
   */
  uploadRetry?: Partial<RetryPolicy>;
  /** The jitter of upload retry waits. @default Math.random */
  random?: Random;
  /** Bytes per upload chunk (the SDK's 8 MiB; smaller only to test resuming). @default 8 MiB */
  uploadChunkBytes?: number;
  /** Page size when listing batches. @default 100 */
  listPageSize?: number;
}

/**
 * Creates a Gemini batch provider.
 * @example
 * const provider = createGeminiProvider({ apiKey, baseUrl: emulator.url });
 * const file = await provider.uploadFile('requests.jsonl', { displayName: 'run-1-stage-a-shard-0' });
 */
export function createGeminiProvider(settings: GeminiProviderSettings): BatchProvider {
  const { apiKey } = settings;
  if (apiKey.trim() === '') {
    throw new ConfigError('Gemini provider: the API key is empty; set it (for example with GEMINI_API_KEY)');
  }
  const baseUrl = settings.baseUrl ?? GEMINI_DEFAULT_BASE_URL;
  const apiVersion = settings.apiVersion ?? 'v1beta';
  const mimeType = settings.uploadMimeType ?? 'application/json';
  const pageSize = settings.listPageSize ?? 100;
  const clock = settings.clock ?? systemClock;
  const uploadRetry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.uploadRetry };
  // Sessions of uploads that gave up, resumed by the next upload of the same file (see gemini-resumable-upload.ts).
  const uploadSessions = new Map<string, string>();
  const random = settings.random ?? Math.random;
  const secrets = [apiKey];

  // vertexai: false so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend underneath us.
  const ai = new GoogleGenAI({ apiKey, vertexai: false, apiVersion, httpOptions: { baseUrl, apiVersion } });
  const rest = createGeminiRestClient({ apiKey, baseUrl, apiVersion });

  // One try per call: repeatable calls are retried by the one retry policy around every provider
  // (src/providers/resilient-provider.ts), with the delay hints toProviderError reads.
  const read = <T>(where: string, call: () => Promise<T>): Promise<T> => translatingErrors(where, secrets, call);

  const getJob = async (name: string): Promise<RemoteJob> => {
    const where = `getJob(${name})`;
    try {
      return await read(where, async () => normaliseOperation(await rest.getBatchOperation(name), where));
    } catch (error) {
      // The contract's one way of saying "no such job", with Gemini's own words kept.
      if (error instanceof ProviderError && error.status === 404) throw new NotFoundError(error.message);
      throw error;
    }
  };

  return {
    name: GEMINI_PROVIDER_NAME,
    capabilities: GEMINI_CAPABILITIES,
    documents: geminiDocuments(ai, secrets, clock),
    interactive: geminiInteractive(rest),

    async uploadFile(path, { displayName }): Promise<UploadedFile> {
      const where = `uploadFile(${path})`;
      const localSize = await fileSize(path, where);
      if (localSize === 0) throw new InputError(path, 'is empty; Gemini cannot take a zero-byte upload');
      // Spoken here, not through ai.files.upload: the SDK throws on the first broken chunk; this resumes it.
      const final = await uploadResumable(
        { apiKey, baseUrl, apiVersion, clock, random, retry: uploadRetry, chunkBytes: settings.uploadChunkBytes ?? UPLOAD_CHUNK_BYTES, sessions: uploadSessions },
        { path, sizeBytes: localSize, mimeType, displayName, where },
      );
      const file = final.file;
      if (file?.name === undefined || file.name === '') {
        // The real server answers HTTP 200 with an {error} body and no file when it refuses the MIME type.
        throw new ProviderError(
          GEMINI_PROVIDER_NAME,
          `Gemini ${where}: the upload came back without a file, which is how Gemini refuses the MIME type ` +
            `"${mimeType}". Set gemini.uploadMimeType in the project config to a type it accepts ` +
            `(application/json is the most reliable)`,
          { isRetryable: false },
        );
      }
      // sizeBytes is an int64 sent as a string; trust the local size if it is missing or unreadable.
      const reported = file.sizeBytes === undefined ? Number.NaN : Number(file.sizeBytes);
      return { name: file.name, sizeBytes: Number.isFinite(reported) ? reported : localSize };
    },

    async createJob({ model, inputFile, displayName, task }) {
      const where = `createJob(${displayName})`;
      // Never retried: create is not idempotent; after an error the engine reconciles by displayName.
      const job = await translatingErrors(where, secrets, () =>
        task === 'embed'
          ? // models/{m}:asyncBatchEmbedContent (spec §3.2 "Embeddings"); the SDK warns once per call that it is experimental.
            ai.batches.createEmbeddings({ model, src: { fileName: inputFile }, config: { displayName } })
          : ai.batches.create({ model, src: inputFile, config: { displayName } }),
      );
      return batchJobToRemoteJob(job, where);
    },

    getJob,

    async findJobsByDisplayName(displayName) {
      const where = `findJobsByDisplayName(${displayName})`;
      const names = await read(where, async () => {
        const found = new Set<string>();
        const pager = await ai.batches.list({ config: { pageSize } });
        for await (const job of pager) {
          if (job.displayName === displayName && job.name !== undefined) found.add(job.name);
        }
        return [...found];
      });
      const jobs: RemoteJob[] = [];
      for (const name of names) {
        try {
          jobs.push(await getJob(name));
        } catch (error) {
          // Deleted between the listing and the read: it is not a job any more.
          if (error instanceof NotFoundError) continue;
          throw error;
        }
      }
      return jobs;
    },

    async cancelJob(name) {
      await translatingErrors(`cancelJob(${name})`, secrets, () => ai.batches.cancel({ name }));
    },

    async downloadResults(job, destPath) {
      const where = `downloadResults(${job.name})`;
      const file = job.outputFile;
      if (file === undefined) {
        throw new NotFoundError(`Gemini ${where}: the job has no output file (state ${job.rawState})`);
      }
      // Not ai.files.download: it crashes the process when the connection drops mid-body (see gemini-rest.ts).
      await read(where, () => rest.downloadFile(file, destPath, where));
    },

    async deleteFile(name) {
      try {
        // One try: the engine deletes only to free quota, and a file left behind expires on its own.
        await translatingErrors(`deleteFile(${name})`, secrets, () => ai.files.delete({ name }));
      } catch (error) {
        // Deleted before, or expired (Gemini keeps files 48 hours): either way it is gone, as asked.
        if (error instanceof ProviderError && error.status === 404) return;
        throw error;
      }
    },

    readResults: readGeminiResults,

    caches: createGeminiCaches({ ai, secrets, read, pageSize }),
  };
}

async function fileSize(path: string, where: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new FilesystemError(`Gemini ${where}: cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}
