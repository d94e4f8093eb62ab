/**
 * @module Resumable uploads, as the SDK and Google's curl samples do them: `POST /upload/{v}/files` with
 * `X-Goog-Upload-Command: start` answers an absolute `x-goog-upload-url` (this server, this path, any prefix);
 * chunks go to that URL with `upload` / `upload, finalize`, an offset, and need no API key (the URL is the
 * credential). Every chunk answer carries `x-goog-upload-status`, or the SDK sleeps and re-sends. A client that lost
 * a chunk asks `query` for the committed size (`x-goog-upload-size-received`, status `active` or `final`) and resumes
 * from it (Google's resumable protocol as firebase-js-sdk storage `getResumableUploadStatus` and
 * `continueResumableUpload` speak it; spec §2.1).
 */
import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { ReadableStream } from 'node:stream/web';
import { InputError, randomId } from '../shared/index.ts';
import { errorResponse, googleErrorBody } from './api-errors.ts';
import type { EndpointGuard } from './endpoint-guard.ts';
import { storagePaths, type EmulatorState, type UploadSession } from './emulator-state.ts';
import { fileJson } from './file-json.ts';
import { quotaRefusal } from './file-references.ts';
import { fileIdOf, isValidFileId, storeFile } from './file-store.ts';
import { parseRequestJson } from './lenient-json.ts';
import { describeJson, field, isJsonObject, optionalObject, optionalString } from './proto-json.ts';
import type { UploadChunkDrop } from './faults.ts';
import { dropConnection } from './http-faults.ts';
import { isApiVersion, publicUrls } from './public-urls.ts';
import { appendChunk, discardUploadSession, openUploadSession } from './upload-session.ts';

const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
const CHUNK_GRANULARITY = String(8 * 1024 * 1024);

function sizeOf(raw: unknown, where: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new InputError(where, `must be a number or a numeric string, got ${describeJson(raw)}`);
  const text = String(raw);
  if (!/^\d+$/.test(text)) throw new InputError(where, `must be a non-negative integer, got "${text}"`);
  const size = Number(text);
  if (size > MAX_FILE_BYTES) throw new InputError(where, `${size} bytes exceeds the 2 GB per-file limit`);
  return size;
}

async function startUpload(c: Context, state: EmulatorState): Promise<Response> {
  const command = (c.req.header('x-goog-upload-command') ?? '').toLowerCase().trim();
  if (command !== 'start') {
    throw new InputError('X-Goog-Upload-Command', 'only resumable uploads are supported: send X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start');
  }
  const body = parseRequestJson(await c.req.text(), 'upload start body');
  if (!isJsonObject(body)) throw new InputError('upload start body', 'must be a JSON object');
  const file = optionalObject(body, 'file', 'body') ?? {};
  const mimeType = optionalString(file, 'mimeType', 'file') ?? c.req.header('x-goog-upload-header-content-type') ?? 'application/octet-stream';
  const declaredSize =
    sizeOf(c.req.header('x-goog-upload-header-content-length'), 'X-Goog-Upload-Header-Content-Length') ??
    sizeOf(field(file, 'sizeBytes'), 'file.sizeBytes');
  const requestedName = optionalString(file, 'name', 'file');
  const fileId = requestedName === undefined ? randomId(12) : fileIdOf(requestedName, 'file.name');
  if (!isValidFileId(fileId)) {
    throw new InputError('file.name', `"${fileId}" must be 1-40 lowercase letters, digits or dashes, not starting or ending with a dash`);
  }
  if (state.files.has(fileId)) return errorResponse(409, `File files/${fileId} already exists.`);
  const overQuota = quotaRefusal(state, declaredSize ?? 0);
  if (overQuota !== undefined) return errorResponse(overQuota.code, overQuota.message);
  const session = await openUploadSession(storagePaths(state.options.storageDir).uploads, {
    mimeType,
    displayName: optionalString(file, 'displayName', 'file'),
    declaredSize,
    fileId,
  });
  const earlier = [...state.uploads.values()].some(
    (other) => other.displayName === session.displayName && other.declaredSize === declaredSize && (other.received > 0 || other.interrupted),
  );
  if (earlier) state.counters.uploadsRestarted++;
  state.uploads.set(session.id, session);
  const here = new URL(c.req.url);
  const uploadUrl = `${here.origin}${here.pathname}?upload_id=${session.id}&upload_protocol=resumable`;
  return new Response(null, {
    status: 200,
    headers: {
      'x-goog-upload-url': uploadUrl,
      'x-goog-upload-control-url': uploadUrl,
      'x-goog-upload-status': 'active',
      'x-goog-upload-chunk-granularity': CHUNK_GRANULARITY,
    },
  });
}

function uploadStatus(status: 'active' | 'final' | 'cancelled', session: UploadSession, body?: unknown): Response {
  const headers: Record<string, string> = {
    'x-goog-upload-status': status,
    'x-goog-upload-size-received': String(session.received),
  };
  if (body === undefined) return new Response(null, { status: 200, headers });
  headers['content-type'] = 'application/json; charset=UTF-8';
  return new Response(JSON.stringify(body), { status: 200, headers });
}

/** Sessions that ended with a file: a `query` after a lost final answer learns it is `final` and gets the file. */
type FinishedUploads = Map<string, string>;

async function finalizeUpload(c: Context, state: EmulatorState, session: UploadSession, version: string, finished: FinishedUploads): Promise<Response> {
  state.uploads.delete(session.id);
  const fail = async (code: number, message: string): Promise<Response> => {
    await discardUploadSession(session);
    return errorResponse(code, message);
  };
  if (session.received === 0) return fail(400, 'Upload finalized with no bytes: empty files cannot be uploaded.');
  if (session.declaredSize !== undefined && session.received !== session.declaredSize) {
    return fail(400, `Upload finalized with ${session.received} bytes, but X-Goog-Upload-Header-Content-Length declared ${session.declaredSize}.`);
  }
  if (state.options.faults.rejectMimeTypes.includes(session.mimeType)) {
    // The real server's quirk: HTTP 200, a final status, an error body and no file.
    await discardUploadSession(session);
    state.counters.uploadsRejected++;
    return uploadStatus('final', session, googleErrorBody(400, `Unsupported MIME type: ${session.mimeType}`));
  }
  if (state.files.has(session.fileId)) return fail(409, `File files/${session.fileId} already exists.`);
  // Checked in the same synchronous step as storeFile starts counting these bytes (see quotaRefusal).
  const overQuota = quotaRefusal(state, session.received);
  if (overQuota !== undefined) return fail(overQuota.code, overQuota.message);
  const record = await storeFile(state, {
    id: session.fileId,
    sourcePath: session.path,
    displayName: session.displayName,
    mimeType: session.mimeType,
    sizeBytes: session.received,
    sha256Hex: session.hash.digest('hex'),
    source: 'UPLOADED',
  });
  state.counters.filesUploaded++;
  state.counters.bytesUploaded += record.sizeBytes;
  if (session.interrupted) state.counters.uploadsResumed++;
  finished.set(session.id, record.id);
  await state.saveSnapshot();
  return uploadStatus('final', session, { file: fileJson(record, publicUrls(c, state.options.basePath, version)) });
}

/**
 * The `dropUploadChunk` rules as one picker of the rule (if any) that fires on a chunk. A rule with `minUploadBytes`
 * counts only the chunks of uploads that large; every rule counts every chunk it selects.
 */
function chunkDropPicker(rules: readonly UploadChunkDrop[]): ChunkDropPicker {
  const selected = rules.map(() => 0);
  return (session, chunkNumber) => {
    let fired: UploadChunkDrop | undefined;
    rules.forEach((rule, index) => {
      if (rule.minUploadBytes !== undefined && (session.declaredSize ?? 0) < rule.minUploadBytes) return;
      const count = rule.minUploadBytes === undefined ? chunkNumber : ++selected[index]!;
      if (count === rule.nth) fired ??= rule;
    });
    return fired;
  };
}

type ChunkDropPicker = (session: UploadSession, chunkNumber: number) => UploadChunkDrop | undefined;

async function uploadChunk(
  c: Context,
  state: EmulatorState,
  session: UploadSession,
  version: string,
  finished: FinishedUploads,
  chunkToDrop: ChunkDropPicker,
): Promise<Response> {
  const commands = (c.req.header('x-goog-upload-command') ?? '').split(',').map((part) => part.trim().toLowerCase());
  if (commands.includes('query')) {
    state.counters.uploadQueries++;
    return uploadStatus('active', session);
  }
  if (commands.includes('cancel')) {
    state.uploads.delete(session.id);
    await discardUploadSession(session);
    return uploadStatus('cancelled', session);
  }
  const isUpload = commands.includes('upload');
  const isFinal = commands.includes('finalize');
  if (!isUpload && !isFinal) {
    throw new InputError('X-Goog-Upload-Command', `expected "upload", "upload, finalize", "finalize", "query" or "cancel", got "${commands.join(', ')}"`);
  }
  if (session.busy) return errorResponse(409, 'Another chunk of this upload is still being received.', 'ABORTED');
  session.busy = true;
  try {
    if (isUpload) {
      const offsetHeader = c.req.header('x-goog-upload-offset');
      if (offsetHeader === undefined || !/^\d+$/.test(offsetHeader)) {
        throw new InputError('X-Goog-Upload-Offset', `must be a byte offset, got ${offsetHeader === undefined ? 'nothing' : `"${offsetHeader}"`}`);
      }
      if (Number(offsetHeader) !== session.received) {
        throw new InputError('X-Goog-Upload-Offset', `${offsetHeader} does not match the ${session.received} bytes received so far`);
      }
      // On a real socket the body is read from Node's own stream: the web stream wrapped around it costs a promise
      // and a copy per piece. `app.request()` has no socket, only the web stream.
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const body = incoming ?? (c.req.raw.body as ReadableStream<Uint8Array> | null);
      const chunkNumber = ++state.counters.uploadChunks;
      const onBytes = (bytes: number): void => void (state.counters.uploadBytesReceived += bytes);
      const drop = chunkToDrop(session, chunkNumber);
      if (drop !== undefined) {
        // Part of the chunk is committed, then the connection breaks mid-body: only a query tells the client how much.
        const length = Number(c.req.header('content-length'));
        const maxBytes = Number.isFinite(length) ? Math.floor(length * drop.committedFraction) : 0;
        await appendChunk(session, body, { maxBytes, onBytes });
        session.interrupted = true;
        state.counters.uploadChunksDropped++;
        return dropConnection(c, `emulator fault dropUploadChunk nth ${chunkNumber}`);
      }
      try {
        await appendChunk(session, body, { onBytes });
      } catch (error) {
        session.interrupted = true;
        throw error;
      }
      if (session.declaredSize !== undefined && session.received > session.declaredSize) {
        state.uploads.delete(session.id);
        await discardUploadSession(session);
        throw new InputError('upload', `received ${session.received} bytes, more than the ${session.declaredSize} declared`);
      }
    }
    return isFinal ? await finalizeUpload(c, state, session, version, finished) : uploadStatus('active', session);
  } finally {
    session.busy = false;
  }
}

/** A query on a session that already ended with a file answers `final` and the file; anything else is 404. */
function finishedQuery(c: Context, state: EmulatorState, fileId: string | undefined, version: string): Response {
  const record = fileId === undefined ? undefined : state.files.get(fileId);
  const isQuery = (c.req.header('x-goog-upload-command') ?? '').toLowerCase().includes('query');
  if (!isQuery || record === undefined) return errorResponse(404, 'Unknown, finished or cancelled upload session.');
  state.counters.uploadQueries++;
  return new Response(JSON.stringify({ file: fileJson(record, publicUrls(c, state.options.basePath, version)) }), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'x-goog-upload-status': 'final', 'x-goog-upload-size-received': String(record.sizeBytes) },
  });
}

/** The `/upload/{v}/files` routes. */
export function uploadRoutes(state: EmulatorState, guard: EndpointGuard): Hono {
  const app = new Hono();
  const finished: FinishedUploads = new Map();
  const chunkToDrop = chunkDropPicker(state.options.faults.dropUploadChunk);
  app.post('/upload/:version/files', (c) => {
    const version = c.req.param('version');
    if (!isApiVersion(version)) return errorResponse(404, `Unknown API version "${version}".`);
    const uploadId = c.req.query('upload_id');
    if (uploadId === undefined) return guard(c, 'upload.start', () => startUpload(c, state));
    return guard(
      c,
      'upload.chunk',
      () => {
        const session = state.uploads.get(uploadId);
        if (session === undefined) return finishedQuery(c, state, finished.get(uploadId), version);
        return uploadChunk(c, state, session, version, finished, chunkToDrop);
      },
      { authenticate: false },
    );
  });
  return app;
}
