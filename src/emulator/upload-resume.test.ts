import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type FaultConfigInput, type RunningEmulator } from './index.ts';
import type { WireFile } from './test-support.ts';

const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
});

const MiB = 1024 * 1024;
const content = Buffer.from(Array.from({ length: 3 * MiB }, (_, index) => (index * 7) % 251));
const hashOf = (bytes: Buffer): string => Buffer.from(createHash('sha256').update(bytes).digest('hex')).toString('base64');

async function served(faults: FaultConfigInput): Promise<RunningEmulator> {
  const emulator = await startEmulator({ faults });
  running.push(emulator);
  return emulator;
}

/** Starts a resumable upload of `content` over HTTP, as the SDK does; returns the session URL. */
async function start(emulator: RunningEmulator, displayName = 'resume-me', size = content.length): Promise<string> {
  const response = await fetch(`${emulator.url}/upload/v1beta/files`, {
    method: 'POST',
    headers: {
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(size),
      'x-goog-upload-header-content-type': 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ file: { mimeType: 'application/json', displayName } }),
  });
  const url = response.headers.get('x-goog-upload-url');
  if (url === null) throw new Error(`no upload URL (HTTP ${response.status})`);
  return url;
}

/** Sends `content[offset, end)`; resolves the answer, or `dropped` when the connection broke. */
async function chunk(url: string, offset: number, end: number, size = content.length): Promise<Response | 'dropped'> {
  const command = end === size ? 'upload, finalize' : 'upload';
  try {
    return await fetch(url, { method: 'POST', headers: { 'x-goog-upload-command': command, 'x-goog-upload-offset': String(offset) }, body: content.subarray(offset, end) });
  } catch {
    return 'dropped';
  }
}

async function query(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'x-goog-upload-command': 'query' } });
}

describe('resumable upload: query and resume over HTTP', () => {
  it('keeps part of a dropped chunk, answers the committed size to a query, and takes the rest from there', async () => {
    const emulator = await served({ dropUploadChunk: [{ nth: 2, committedFraction: 0.25 }] });
    const url = await start(emulator);
    const first = await chunk(url, 0, MiB);
    expect(first !== 'dropped' && first.headers.get('x-goog-upload-status')).toBe('active');
    expect(await chunk(url, MiB, 2 * MiB)).toBe('dropped');

    const status = await query(url);
    expect(status.status).toBe(200);
    expect(status.headers.get('x-goog-upload-status')).toBe('active');
    const committed = Number(status.headers.get('x-goog-upload-size-received'));
    expect(committed).toBe(MiB + MiB / 4);

    // A chunk at the old offset is refused before its body is read: the client must resume where the server is.
    const stale = await chunk(url, 2 * MiB, content.length);
    expect(stale !== 'dropped' && stale.status).toBe(400);
    const final = await chunk(url, committed, content.length);
    if (final === 'dropped') throw new Error('the final chunk was dropped');
    expect(final.headers.get('x-goog-upload-status')).toBe('final');
    const { file } = (await final.json()) as { file: WireFile & { sha256Hash: string } };
    expect(file).toMatchObject({ sizeBytes: String(content.length), sha256Hash: hashOf(content) });
    expect(emulator.stats()).toMatchObject({
      uploadChunks: 3,
      uploadChunksDropped: 1,
      uploadQueries: 1,
      uploadsResumed: 1,
      uploadsRestarted: 0,
      filesUploaded: 1,
    });
    // Every byte arrived once, plus at most the dropped chunk's lost part.
    expect(emulator.stats().uploadBytesReceived).toBeGreaterThanOrEqual(content.length);
    expect(emulator.stats().uploadBytesReceived).toBeLessThanOrEqual(content.length + MiB);
  });

  it('counts an upload begun again from byte 0 as restarted', async () => {
    const emulator = await served({ dropUploadChunk: [{ nth: 1 }] });
    expect(await chunk(await start(emulator), 0, MiB)).toBe('dropped');
    const again = await start(emulator);
    const final = await chunk(again, 0, content.length);
    expect(final !== 'dropped' && final.headers.get('x-goog-upload-status')).toBe('final');
    expect(emulator.stats()).toMatchObject({ uploadsRestarted: 1, uploadsResumed: 0, filesUploaded: 1 });
  });

  it('answers a query after a lost final answer with `final` and the file', async () => {
    const emulator = await served({ http: [{ endpoint: 'upload.chunk', fault: 'dropAfter', nth: 1 }] });
    const url = await start(emulator);
    expect(await chunk(url, 0, content.length)).toBe('dropped');
    const status = await query(url);
    expect(status.headers.get('x-goog-upload-status')).toBe('final');
    expect(status.headers.get('x-goog-upload-size-received')).toBe(String(content.length));
    expect(((await status.json()) as { file: WireFile }).file.sizeBytes).toBe(String(content.length));
    expect(emulator.stats().filesUploaded).toBe(1);
  });

  it('with minUploadBytes, counts only the chunks of large uploads: the small ones before and between are kept', async () => {
    const emulator = await served({ dropUploadChunk: [{ nth: 2, minUploadBytes: 2 * MiB, committedFraction: 0.5 }] });
    const small = async (name: string): Promise<void> => {
      const answer = await chunk(await start(emulator, name, MiB), 0, MiB, MiB);
      expect(answer !== 'dropped' && answer.headers.get('x-goog-upload-status')).toBe('final');
    };
    await small('small-1');
    const url = await start(emulator, 'big');
    expect(await chunk(url, 0, MiB)).not.toBe('dropped');
    await small('small-2');
    expect(await chunk(url, MiB, 2 * MiB)).toBe('dropped');
    const committed = Number((await query(url)).headers.get('x-goog-upload-size-received'));
    expect(committed).toBe(MiB + MiB / 2);
    const final = await chunk(url, committed, content.length);
    expect(final !== 'dropped' && final.headers.get('x-goog-upload-status')).toBe('final');
    expect(emulator.stats()).toMatchObject({ uploadChunks: 5, uploadChunksDropped: 1, uploadsResumed: 1, filesUploaded: 3 });
  });
});
