import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import { createGeminiProvider } from './index.ts';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB + 333;
const CHUNK = 8 * MiB;
let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-upload-200mb-'));
  path = join(dir, 'input.json');
  // Written piece by piece: the test holds no more of the file in memory than the code under test may.
  const out = createWriteStream(path);
  const piece = Buffer.alloc(MiB);
  for (let written = 0; written < SIZE; written += piece.length) {
    piece.fill(written % 251);
    if (!out.write(piece.subarray(0, Math.min(piece.length, SIZE - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a 200 MB upload with a chunk dropped half-way', () => {
  it('is resumed from the committed offset, not restarted: the emulator received the file once plus at most one chunk', async () => {
    const emulator = await startEmulator({ apiKey: 'k-200', faults: { dropUploadChunk: [{ nth: 13, committedFraction: 0.5 }] } });
    try {
      const provider = createGeminiProvider({ apiKey: 'k-200', baseUrl: emulator.url, uploadRetry: { initialDelayMs: 10 } });
      const file = await provider.uploadFile(path, { displayName: 'run-1-stage-a-shard-0' });
      expect(file.sizeBytes).toBe(SIZE);
      const stats = emulator.stats();
      expect(stats).toMatchObject({ uploadChunksDropped: 1, uploadQueries: 1, uploadsResumed: 1, uploadsRestarted: 0, filesUploaded: 1, bytesUploaded: SIZE });
      expect(stats.endpointCalls['upload.start']).toBe(1);
      expect(stats.uploadBytesReceived).toBeGreaterThanOrEqual(SIZE);
      expect(stats.uploadBytesReceived).toBeLessThanOrEqual(SIZE + CHUNK);
    } finally {
      await emulator.close();
    }
  });
});
