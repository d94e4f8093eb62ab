/**
 * @module Files API: get, list, delete, and download in both forms (`/{v}/files/ID:download` as the SDK calls
 * it, `/download/{v}/files/ID:download` as the docs do), streamed from disk as raw bytes. Colon verbs come in
 * one `:spec` path parameter that is split on `:`.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { JobStateError } from '../shared/index.ts';
import { errorResponse } from './api-errors.ts';
import type { EndpointGuard } from './endpoint-guard.ts';
import type { EmulatorState } from './emulator-state.ts';
import { fileJson } from './file-json.ts';
import { visibleFiles } from './file-references.ts';
import { deleteStoredFile, fileIdOf, findFile } from './file-store.ts';
import { listQuery, pageOf } from './pagination.ts';
import { isApiVersion, publicUrls } from './public-urls.ts';

function splitSpec(spec: string): { id: string; verb: string | undefined } {
  const colon = spec.indexOf(':');
  return colon < 0 ? { id: spec, verb: undefined } : { id: spec.slice(0, colon), verb: spec.slice(colon + 1) };
}

/** Bytes read from disk at a time when a file is downloaded. */
const DOWNLOAD_READ_BYTES = 1024 * 1024;

function download(state: EmulatorState, id: string): Response {
  const record = findFile(state, id);
  if (record.source !== 'GENERATED') {
    throw new JobStateError(`File files/${id} was uploaded; only generated files (batch outputs) can be downloaded.`);
  }
  // Large reads: a busy event loop then needs few turns to send a big result file.
  const body = Readable.toWeb(createReadStream(record.path, { highWaterMark: DOWNLOAD_READ_BYTES })) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': record.mimeType.includes('/') ? record.mimeType : 'application/octet-stream',
      'content-length': String(record.sizeBytes),
    },
  });
}

function notFound(path: string): Response {
  return errorResponse(404, `The emulator has no endpoint for ${path}.`);
}

/** The `/{v}/files…` and `/download/{v}/files…` routes. */
export function fileRoutes(state: EmulatorState, guard: EndpointGuard): Hono {
  const app = new Hono();
  const version = (c: Context): string | undefined => {
    const segment = c.req.param('version') ?? '';
    return isApiVersion(segment) ? segment : undefined;
  };

  app.get('/:version/files', (c) => {
    const v = version(c);
    if (v === undefined) return notFound(c.req.path);
    return guard(c, 'files.list', () => {
      const { pageSize, pageToken } = listQuery(c);
      const { page, nextPageToken } = pageOf(visibleFiles(state), pageSize, pageToken);
      const urls = publicUrls(c, state.options.basePath, v);
      return c.json({
        ...(page.length === 0 ? {} : { files: page.map((record) => fileJson(record, urls)) }),
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      });
    });
  });

  app.get('/:version/files/:spec', (c) => {
    const v = version(c);
    if (v === undefined) return notFound(c.req.path);
    const { id, verb } = splitSpec(c.req.param('spec'));
    if (verb === 'download') return guard(c, 'files.download', () => download(state, fileIdOf(id, 'name')));
    if (verb !== undefined) return notFound(c.req.path);
    return guard(c, 'files.get', () => c.json(fileJson(findFile(state, fileIdOf(id, 'name')), publicUrls(c, state.options.basePath, v))));
  });

  app.get('/download/:version/files/:spec', (c) => {
    const { id, verb } = splitSpec(c.req.param('spec'));
    if (version(c) === undefined || verb !== 'download') return notFound(c.req.path);
    return guard(c, 'files.download', () => download(state, fileIdOf(id, 'name')));
  });

  // The docs' form with the name URL-encoded as one segment: /download/v1beta/files%2FID%3Adownload.
  app.get('/download/:version/:name', (c) => {
    const name = c.req.param('name');
    if (version(c) === undefined || !name.startsWith('files/')) return notFound(c.req.path);
    const { id, verb } = splitSpec(name.slice('files/'.length));
    if (verb !== 'download') return notFound(c.req.path);
    return guard(c, 'files.download', () => download(state, fileIdOf(id, 'name')));
  });

  app.delete('/:version/files/:spec', (c) => {
    const { id, verb } = splitSpec(c.req.param('spec'));
    if (version(c) === undefined || verb !== undefined) return notFound(c.req.path);
    return guard(c, 'files.delete', async () => {
      await deleteStoredFile(state, findFile(state, fileIdOf(id, 'name')));
      state.counters.filesDeleted++;
      return c.json({});
    });
  });
  return app;
}
