import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type FaultConfigInput, type RunningEmulator } from '../../emulator/index.ts';
import { ProviderError, createManualClock, type Clock } from '../../shared/index.ts';
import { uploadResumable, type ResumableUploadSettings } from './gemini-resumable-upload.ts';

const KEY = 'upload-key-789';
const MiB = 1024 * 1024;
const SIZE = 6 * MiB + 12_345;
const emulators: RunningEmulator[] = [];
let dir: string;
let path: string;

/** Sleeps return at once and are recorded. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => 0, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) };
}

async function start(faults: FaultConfigInput, clock?: Clock): Promise<RunningEmulator> {
  const emulator = await startEmulator({ apiKey: KEY, faults, clock });
  emulators.push(emulator);
  return emulator;
}

function settings(emulator: RunningEmulator, extra: Partial<ResumableUploadSettings> = {}): ResumableUploadSettings {
  return {
    apiKey: KEY,
    baseUrl: emulator.url,
    apiVersion: 'v1beta',
    clock: recordingClock(),
    retry: { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 },
    random: () => 0.5,
    chunkBytes: MiB,
    ...extra,
  };
}

const request = (): Parameters<typeof uploadResumable>[1] => ({ path, sizeBytes: SIZE, mimeType: 'application/json', displayName: 'big-input', where: 'uploadFile(test)' });

async function sha256Base64OfHex(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return Buffer.from(hash.digest('hex')).toString('base64');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-resumable-'));
  path = join(dir, 'input.json');
  await writeFile(path, Buffer.from(Array.from({ length: SIZE }, (_, index) => (index * 31) % 253)));
});

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resumable upload against the emulator over HTTP', () => {
  it('resumes a chunk dropped half-way from the committed offset instead of starting again', async () => {
    const emulator = await start({ dropUploadChunk: [{ nth: 4, committedFraction: 0.5 }] });
    const final = await uploadResumable(settings(emulator), request());
    expect(final.file).toMatchObject({ sizeBytes: String(SIZE), sha256Hash: await sha256Base64OfHex(path) });
    const stats = emulator.stats();
    expect(stats).toMatchObject({ uploadChunksDropped: 1, uploadQueries: 1, uploadsResumed: 1, uploadsRestarted: 0, filesUploaded: 1 });
    expect(stats.endpointCalls['upload.start']).toBe(1);
    // Every byte once, plus at most the part of the dropped chunk the server did not keep.
    expect(stats.uploadBytesReceived).toBeGreaterThanOrEqual(SIZE);
    expect(stats.uploadBytesReceived).toBeLessThanOrEqual(SIZE + MiB);
  });

  it('queries and goes on after a retryable error on a chunk, waiting as the policy says', async () => {
    const emulator = await start({ http: [{ endpoint: 'upload.chunk', fault: 503, nth: 3 }] });
    const clock = recordingClock();
    const final = await uploadResumable(settings(emulator, { clock }), request());
    expect(final.file?.sizeBytes).toBe(String(SIZE));
    // Full jitter below the first ceiling (1 s), drawn at its middle here.
    expect(clock.sleeps).toEqual([500]);
    expect(emulator.stats()).toMatchObject({ uploadQueries: 1, uploadsRestarted: 0, filesUploaded: 1 });
  });

  it('an upload that gave up is resumed by the next call from the session it left, never started again', async () => {
    // The first chunk requests all fail (an outage longer than one call's retries): the first call gives up.
    const emulator = await start({ http: [{ endpoint: 'upload.chunk', fault: 503, rate: 1, limit: 3 }] });
    const sessions = new Map<string, string>();
    const tries = settings(emulator, { retry: { attempts: 2, initialDelayMs: 1000, maxDelayMs: 8000 }, sessions });
    const first = await uploadResumable(tries, request()).then(() => undefined, (error: unknown) => error);
    expect(first).toBeInstanceOf(ProviderError);
    expect(sessions.size).toBe(1);
    // The next call asks the session it left what it kept (the third fault fails that query once) and goes on.
    const final = await uploadResumable(tries, request());
    expect(final.file).toMatchObject({ sizeBytes: String(SIZE), sha256Hash: await sha256Base64OfHex(path) });
    expect(sessions.size).toBe(0);
    const stats = emulator.stats();
    expect(stats.endpointCalls['upload.start']).toBe(1);
    expect(stats).toMatchObject({ uploadsRestarted: 0, filesUploaded: 1 });
    expect(stats.uploadBytesReceived).toBe(SIZE);
  });

  it('starts a new session when the one an earlier call left is gone', async () => {
    const emulator = await start({});
    const sessions = new Map([[`${path}\0big-input\0${SIZE}`, `${emulator.url}/upload/v1beta/files?upload_id=gone`]]);
    const final = await uploadResumable(settings(emulator, { sessions }), request());
    expect(final.file?.sizeBytes).toBe(String(SIZE));
    expect(emulator.stats().endpointCalls['upload.start']).toBe(1);
    expect(sessions.size).toBe(0);
  });

  it('takes the file from a query when the final answer was lost, uploading nothing twice', async () => {
    const emulator = await start({ http: [{ endpoint: 'upload.chunk', fault: 'dropAfter', nth: 7 }] });
    const final = await uploadResumable(settings(emulator), request());
    expect(final.file?.sizeBytes).toBe(String(SIZE));
    expect(emulator.stats()).toMatchObject({ uploadChunks: 7, uploadQueries: 1, filesUploaded: 1, uploadBytesReceived: SIZE });
  });

  it('treats a chunk answered after its time limit as lost, and resumes from what the server kept', async () => {
    const emulatorClock = createManualClock();
    const emulator = await start({ http: [{ endpoint: 'upload.chunk', fault: 'delay', delayMs: 60_000, nth: 2 }] }, emulatorClock);
    // The limit is generous so that only the held answer meets it, even on a loaded machine.
    const final = await uploadResumable(settings(emulator, { requestTimeoutMs: 2000 }), request());
    emulatorClock.advance(60_000);
    expect(final.file?.sizeBytes).toBe(String(SIZE));
    expect(emulator.stats()).toMatchObject({ uploadsRestarted: 0, filesUploaded: 1 });
    expect(emulator.stats().uploadQueries).toBeGreaterThanOrEqual(1);
  });

  it('gives up after the policy’s tries in a row without progress, with a retryable error and no key in it', async () => {
    const emulator = await start({ outages: [{ startAtCall: 3, durationMs: 3_600_000 }] });
    const error = await uploadResumable(settings(emulator), request()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).isRetryable).toBe(true);
    expect((error as ProviderError).message).toMatch(/uploadFile\(test\).*503 UNAVAILABLE/);
    expect(String((error as Error).stack)).not.toContain(KEY);
    expect(emulator.stats()).toMatchObject({ outageCallsRefused: 3, filesUploaded: 0 });
  });

  it('does not retry what the server refuses for good', async () => {
    const emulator = await start({});
    const error = await uploadResumable(settings(emulator, { apiKey: 'wrong-key-000' }), request()).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 403, isRetryable: false });
    expect(String((error as Error).message)).not.toContain('wrong-key-000');
    expect(emulator.stats().endpointCalls['upload.start']).toBe(1);
  });
});
