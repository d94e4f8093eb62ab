/**
 * @module Google's resumable upload protocol, spoken directly so a broken chunk is resumed, not restarted (the SDK's
 * `files.upload` throws on the first failed chunk). Start as the SDK does (spec §2.1), send the file in chunks
 * streamed from disk (a file-backed Blob slice: memory stays at one socket buffer whatever the file size), and after
 * a dropped chunk or a retryable error ask the server how much it kept (`x-goog-upload-command: query` answers
 * `x-goog-upload-size-received`) and go on from there. Protocol: the SDK's `_node_uploader.ts` (start headers,
 * 8 MiB chunks, `upload, finalize`, `x-goog-upload-status`) and firebase-js-sdk storage `requests.ts`
 * (`getResumableUploadStatus`: `query` answers `active`/`final` and the size received).
 */
import { openAsBlob } from 'node:fs';
import { ProviderError, type Clock } from '../../shared/index.ts';
import { GEMINI_PROVIDER_NAME, httpStatusError, toProviderError } from './gemini-errors.ts';
import { retryDelay, type Random, type RetryPolicy } from '../retry-policy.ts';

/** The SDK's chunk size (`MAX_CHUNK_SIZE`, 8 MiB), also the server's `x-goog-upload-chunk-granularity`. */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** Where and how to upload. */
export interface ResumableUploadSettings {
  apiKey: string;
  baseUrl: string;
  apiVersion: string;
  clock: Clock;
  /**
   * Tries per step: a step fails this many times in a row without the server committing a new byte, and the upload
   * gives up. Waits follow the one retry policy (full jitter; the server's Retry-After or RetryInfo wins).
   */
  retry: RetryPolicy;
  /** The jitter of retry waits. @default Math.random */
  random?: Random;
  /** @default UPLOAD_CHUNK_BYTES */
  chunkBytes?: number;
  /** One request's time limit (a chunk that hangs is then treated as dropped). @default 10 minutes */
  requestTimeoutMs?: number;
  /**
   * Upload sessions an earlier call gave up on, by {@link sessionKey}: the next upload of the same file asks that
   * session what it kept and resumes there, so an outage longer than one call's retries does not restart a 2 GB
   * upload from byte 0. Without it, every call starts a new session.
   */
  sessions?: Map<string, string>;
}

/** The key of a file's upload session in {@link ResumableUploadSettings.sessions}. */
function sessionKey(request: ResumableUploadRequest): string {
  return `${request.path}\0${request.displayName}\0${request.sizeBytes}`;
}

/** One file to upload. */
export interface ResumableUploadRequest {
  path: string;
  sizeBytes: number;
  mimeType: string;
  displayName: string;
  /** How errors name the call, e.g. `uploadFile(requests.jsonl)`. */
  where: string;
}

/** What the server answered to the finalizing chunk: `{file}`, or `{error}` with HTTP 200 (its MIME refusal). */
export type FinalUploadBody = { file?: { name?: string; sizeBytes?: string } } & Record<string, unknown>;

/** Where the upload stands after one answer. */
type UploadState = { status: 'active'; received: number } | { status: 'final'; body: FinalUploadBody };

/**
 * Uploads `request.path` with the resumable protocol; resolves the final body. Throws a {@link ProviderError}
 * (never holding the key) when the server refuses, or when retries run out without progress.
 */
export async function uploadResumable(settings: ResumableUploadSettings, request: ResumableUploadRequest): Promise<FinalUploadBody> {
  const { where, sizeBytes } = request;
  const secrets = [settings.apiKey];
  const chunkBytes = settings.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  const timeoutMs = settings.requestTimeoutMs ?? 10 * 60 * 1000;
  const blob = await openAsBlob(request.path, { type: request.mimeType });

  const send = async (url: string, headers: Record<string, string>, body?: Blob | string): Promise<Response> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'x-goog-api-key': settings.apiKey, ...headers },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw httpStatusError(where, response.status, await response.text(), secrets, {}, response.headers.get('retry-after'));
    return response;
  };

  // `failures` counts retryable failures in a row since the server last committed a byte; too many and it gives up.
  let failures = 0;
  const afterFailure = async (error: unknown): Promise<void> => {
    const failure = toProviderError(error, where, secrets);
    failures++;
    if (!(failure instanceof ProviderError) || !failure.isRetryable || failures >= settings.retry.attempts) throw failure;
    await settings.clock.sleep(retryDelay(settings.retry, failures, settings.random ?? Math.random, failure.retryAfterMs));
  };

  const startUrl = `${settings.baseUrl.replace(/\/+$/, '')}/upload/${settings.apiVersion === '' ? '' : `${settings.apiVersion}/`}files`;
  const startHeaders = {
    'x-goog-upload-protocol': 'resumable',
    'x-goog-upload-command': 'start',
    'x-goog-upload-header-content-length': String(sizeBytes),
    'x-goog-upload-header-content-type': request.mimeType,
    'content-type': 'application/json',
  };
  const startBody = JSON.stringify({ file: { mimeType: request.mimeType, sizeBytes: String(sizeBytes), displayName: request.displayName } });
  const key = sessionKey(request);
  // A session an earlier call left: ask it what it kept before sending anything.
  let uploadUrl = settings.sessions?.get(key);
  const resumed = uploadUrl !== undefined;
  while (uploadUrl === undefined) {
    try {
      const started = await send(startUrl, startHeaders, startBody);
      await started.body?.cancel();
      const url = started.headers.get('x-goog-upload-url');
      if (url === null) throw unexpected(where, 'the start answer has no x-goog-upload-url header');
      uploadUrl = onBaseUrlHost(url, settings.baseUrl);
      settings.sessions?.set(key, uploadUrl);
    } catch (error) {
      // A lost start answer leaves an unused session behind on the server; it expires there.
      await afterFailure(error);
    }
  }
  failures = 0;

  const stateOf = async (response: Response, sentThrough: number): Promise<UploadState> => {
    const status = response.headers.get('x-goog-upload-status');
    if (status === 'final') return { status, body: (await response.json()) as FinalUploadBody };
    await response.body?.cancel();
    if (status !== 'active') throw unexpected(where, `the upload is "${status ?? '(no status)'}"`);
    const received = response.headers.get('x-goog-upload-size-received');
    return { status, received: received === null ? sentThrough : Number(received) };
  };
  const sendFrom = async (url: string, offset: number): Promise<UploadState> => {
    const end = Math.min(offset + chunkBytes, sizeBytes);
    // All bytes are in but the answer that would have said `final` was lost: finalize with no body.
    const command = offset === sizeBytes ? 'finalize' : end === sizeBytes ? 'upload, finalize' : 'upload';
    const headers = { 'x-goog-upload-command': command, 'x-goog-upload-offset': String(offset) };
    return stateOf(await send(url, headers, offset === sizeBytes ? undefined : blob.slice(offset, end)), end);
  };
  const query = async (url: string, offset: number): Promise<UploadState> => stateOf(await send(url, { 'x-goog-upload-command': 'query' }), offset);

  let state: UploadState = { status: 'active', received: 0 };
  // After a failed request, the server may have kept any part of the chunk: ask before sending again.
  let mustQuery = resumed;
  while (state.status === 'active') {
    const offset: number = state.received;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > sizeBytes) {
      throw unexpected(where, `the server reports ${offset} bytes received of ${sizeBytes}`);
    }
    try {
      state = mustQuery ? await query(uploadUrl, offset) : await sendFrom(uploadUrl, offset);
      mustQuery = false;
      if (state.status === 'final' || state.received > offset) failures = 0;
    } catch (error) {
      const failure = toProviderError(error, where, secrets);
      // The session an earlier call left is gone (expired, or never known here): start a new one.
      if (resumed && offset === 0 && failure instanceof ProviderError && !failure.isRetryable) {
        settings.sessions?.delete(key);
        return uploadResumable(settings, request);
      }
      await afterFailure(error);
      mustQuery = true;
    }
  }
  settings.sessions?.delete(key);
  return state.body;
}

/**
 * The upload URL with the protocol, host and port of `baseUrl`, path and query kept, as the SDK does (spec §2.1
 * step 2): chunks go where the client was pointed (a proxy, an emulator), and the key never leaves that host.
 */
function onBaseUrlHost(uploadUrl: string, baseUrl: string): string {
  const url = new URL(uploadUrl);
  const base = new URL(baseUrl);
  url.protocol = base.protocol;
  url.host = base.host;
  return url.toString();
}

function unexpected(where: string, what: string): ProviderError {
  return new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: ${what}`, { isRetryable: false });
}
