/**
 * @module Direct REST calls where the SDK falls short, with the same base URL, version and key. `batches.get` drops
 * `metadata.batchStats` and the Operation's `error`, so the raw Operation is read here. `files.download` pipes the
 * body without an error handler, so a connection dropped mid-download crashes the process with an unhandled
 * 'error' event; the download here streams with `pipeline`, which turns that into a retryable error.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileErrorReason, FilesystemError, ProviderError } from '../../shared/index.ts';
import { GEMINI_PROVIDER_NAME, httpStatusError, translatingErrors } from './gemini-errors.ts';

/** Where and how the REST client talks to the Gemini API. */
export interface GeminiRestSettings {
  apiKey: string;
  /** e.g. `https://generativelanguage.googleapis.com` (a path prefix is kept). */
  baseUrl: string;
  /** e.g. `v1beta`; the empty string leaves the segment out, as the SDK does. */
  apiVersion: string;
}

/** Raw reads the SDK cannot do faithfully. */
export interface GeminiRestClient {
  /** `GET {baseUrl}/{apiVersion}/batches/{id}`: the Operation JSON, unvalidated. */
  getBatchOperation(name: string): Promise<unknown>;
  /** `GET {baseUrl}/{apiVersion}/files/{id}:download?alt=media`, streamed to `destPath` (removed on failure). */
  downloadFile(fileName: string, destPath: string, where: string): Promise<void>;
  /**
   * `POST {baseUrl}/{apiVersion}/models/{model}:generateContent` with a stored wire request as it is, byte for byte
   * (the SDK would rebuild it from its own config shape): the GenerateContentResponse JSON, unvalidated.
   */
  generateContent(model: string, requestJson: string, where: string): Promise<unknown>;
}

/** The id part of `batches/<id>`; rejects anything else, as the SDK does before sending. */
export function batchIdFromName(name: string, where: string): string {
  const match = /^(?:batches\/)?([^/]+)$/.exec(name);
  if (match?.[1] === undefined) {
    throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: "${name}" is not a batch name (batches/<id>)`, {
      isRetryable: false,
    });
  }
  return match[1];
}

/** The id part of `files/<id>` (e.g. `batch-abc` for `files/batch-abc`). */
export function fileIdFromName(name: string, where: string): string {
  const match = /^(?:files\/)?([^/]+)$/.exec(name);
  if (match?.[1] === undefined) {
    throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: "${name}" is not a file name (files/<id>)`, {
      isRetryable: false,
    });
  }
  return match[1];
}

/** The URL of a resource path under the API version, built the way the SDK builds it. */
export function geminiApiUrl(settings: Pick<GeminiRestSettings, 'baseUrl' | 'apiVersion'>, path: string): string {
  const base = settings.baseUrl.replace(/\/+$/, '');
  return settings.apiVersion === '' ? `${base}/${path}` : `${base}/${settings.apiVersion}/${path}`;
}

/** Creates the REST client; every failure is a {@link ProviderError} without the key in it. */
export function createGeminiRestClient(settings: GeminiRestSettings): GeminiRestClient {
  const secrets = [settings.apiKey];
  const get = async (url: string, where: string): Promise<Response> => {
    const response = await fetch(url, { method: 'GET', headers: { 'x-goog-api-key': settings.apiKey } });
    if (!response.ok) throw httpStatusError(where, response.status, await response.text(), secrets, {}, response.headers.get('retry-after'));
    return response;
  };
  return {
    async getBatchOperation(name) {
      const where = `getJob(${name})`;
      const url = geminiApiUrl(settings, `batches/${encodeURIComponent(batchIdFromName(name, where))}`);
      return translatingErrors(where, secrets, async () => {
        const response = await get(url, where);
        const body = await response.text();
        try {
          const operation: unknown = JSON.parse(body);
          return operation;
        } catch {
          throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: HTTP ${response.status} answer is not JSON`, {
            status: response.status,
            isRetryable: false,
          });
        }
      });
    },

    async generateContent(model, requestJson, where) {
      const bare = model.startsWith('models/') ? model.slice('models/'.length) : model;
      const url = geminiApiUrl(settings, `models/${encodeURIComponent(bare)}:generateContent`);
      return translatingErrors(where, secrets, async () => {
        const response = await fetch(url, { method: 'POST', headers: { 'x-goog-api-key': settings.apiKey, 'content-type': 'application/json' }, body: requestJson });
        const body = await response.text();
        if (!response.ok) throw httpStatusError(where, response.status, body, secrets, {}, response.headers.get('retry-after'));
        try {
          const answer: unknown = JSON.parse(body);
          return answer;
        } catch {
          throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: HTTP ${response.status} answer is not JSON`, { status: response.status, isRetryable: false });
        }
      });
    },

    async downloadFile(fileName, destPath, where) {
      const url = `${geminiApiUrl(settings, `files/${encodeURIComponent(fileIdFromName(fileName, where))}:download`)}?alt=media`;
      await translatingErrors(where, secrets, async () => {
        const response = await get(url, where);
        if (response.body === null) {
          throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: HTTP ${response.status} with no body`, {
            status: response.status,
            isRetryable: true,
          });
        }
        try {
          await pipeline(Readable.fromWeb(response.body), createWriteStream(destPath));
        } catch (error) {
          // A partial file must not look like a complete one.
          await rm(destPath, { force: true });
          if (error instanceof Error && 'syscall' in error) {
            throw new FilesystemError(`Gemini ${where}: cannot write ${destPath}: ${fileErrorReason(error)}`, { cause: error });
          }
          throw error;
        }
      });
    },
  };
}
