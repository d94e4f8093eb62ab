import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { startEmulator } from './index.ts';
import { requestLines, sdkEmulatorPerFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-files-test-key';
const sdk = sdkEmulatorPerFile(API_KEY);

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of `size` bytes written in 1 MiB blocks (never one big buffer). */
async function writeBigFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  const block = Buffer.alloc(1024 * 1024, 'abcdefghij\n');
  for (let written = 0; written < size; written += block.length) {
    await handle.write(block, 0, Math.min(block.length, size - written));
  }
  await handle.close();
}

describe('Files API through the official SDK', () => {
  it('uploads a file over 8 MiB in two chunks and reports Google-shaped metadata', async () => {
    const path = join(sdk.temp.dir, 'big.json');
    const size = 8 * 1024 * 1024 + 123_457;
    await writeBigFile(path, size);
    const chunksBefore = sdk.emulator.stats().endpointCalls['upload.chunk'];

    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'application/json', displayName: 'big one' } });

    // Exactly two chunk requests: 8 MiB + the rest, and no re-sends (the SDK re-sends when the status header is missing).
    expect(sdk.emulator.stats().endpointCalls['upload.chunk'] - chunksBefore).toBe(2);
    expect(file.sizeBytes).toBe(String(size));
    expect(file.sha256Hash).toBe(Buffer.from(await sha256OfFile(path)).toString('base64'));
    expect(file).toMatchObject({ displayName: 'big one', mimeType: 'application/json', state: 'ACTIVE', source: 'UPLOADED' });
    expect(file.name).toMatch(/^files\/[a-z0-9]{12}$/);
    expect(file.uri).toBe(`${sdk.emulator.url}/v1beta/${file.name}`);
    expect(Date.parse(file.expirationTime!) - Date.parse(file.createTime!)).toBe(48 * 3600 * 1000);
    const stored = await sha256OfFile(join(sdk.emulator.emulator.storageDir, 'files', file.name!.slice('files/'.length)));
    expect(stored).toBe(await sha256OfFile(path));
  });

  it('gets, lists page by page until the last page, and deletes', async () => {
    const names: string[] = [];
    for (let index = 0; index < 5; index++) {
      const path = writeJsonl(sdk.temp.dir, `list-${index}.jsonl`, requestLines(1, `list${index}`));
      const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
      names.push(file.name!);
    }
    const got = await sdk.ai.files.get({ name: names[0]! });
    expect(got).toMatchObject({ name: names[0], mimeType: 'jsonl', source: 'UPLOADED' });

    const listed: string[] = [];
    const pager = await sdk.ai.files.list({ config: { pageSize: 2 } });
    for await (const file of pager) listed.push(file.name!);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(names));

    await sdk.ai.files.delete({ name: names[0]! });
    const error = await sdk.ai.files.get({ name: names[0]! }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect(JSON.parse((error as ApiError).message)).toEqual({
      error: { code: 404, message: `File ${names[0]} does not exist.`, status: 'NOT_FOUND' },
    });
  });

  it('refuses to download an uploaded file, as Google does', async () => {
    const path = writeJsonl(sdk.temp.dir, 'no-download.jsonl', requestLines(1));
    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'application/json' } });
    const error = await sdk.ai.files
      .download({ file: file.name!, downloadPath: join(sdk.temp.dir, 'never.jsonl') })
      .catch((caught: unknown) => caught);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('only generated files');
  });

  it('serves the SDK default API version (v1) and a base URL with a path prefix', async () => {
    const prefixed = await startEmulator({ apiKey: API_KEY, basePath: '/gemini/api', jobDurationMs: 0, pendingMs: 0 });
    try {
      expect(prefixed.url).toMatch(/\/gemini\/api$/);
      const v1 = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: prefixed.url } });
      const path = writeJsonl(sdk.temp.dir, 'v1.jsonl', requestLines(3, 'v1'));
      const file = await v1.files.upload({ file: path, config: { mimeType: 'application/json' } });
      expect(file.uri).toBe(`${prefixed.url}/v1/${file.name}`);
      const job = await v1.batches.create({ model: 'gemini-2.5-flash', src: file.name! });
      await prefixed.advance();
      const done = await v1.batches.get({ name: job.name! });
      expect(done.state).toBe('JOB_STATE_SUCCEEDED');
      expect(prefixed.stats().endpointCalls['upload.chunk']).toBe(1);
    } finally {
      await prefixed.close();
    }
  });
});
