import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import { InputError, NotFoundError, ProviderError, systemClock } from '../../shared/index.ts';
import { TERMINAL_JOB_STATES, type BatchProvider, type RemoteJob } from '../batch-provider.ts';
import { createGeminiProvider, type GeminiProviderSettings } from './index.ts';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;

const KEY = 'secret-key-123';
const emulators: Emulator[] = [];
let dir: string;
let inputPath: string;

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ apiKey: KEY, seed: 11, pendingMs: 20, jobDurationMs: 100, ...options });
  emulators.push(emulator);
  return emulator;
}

function gemini(emulator: Emulator, settings: Partial<GeminiProviderSettings> = {}): BatchProvider {
  return createGeminiProvider({ apiKey: KEY, baseUrl: emulator.url, ...settings });
}

async function waitForTerminal(provider: BatchProvider, name: string): Promise<RemoteJob> {
  for (let poll = 0; poll < 400; poll++) {
    const job = await provider.getJob(name);
    if (TERMINAL_JOB_STATES.has(job.state)) return job;
    await systemClock.sleep(20);
  }
  throw new ProviderError('gemini', `test: ${name} did not finish`, { isRetryable: false });
}

async function submit(provider: BatchProvider, displayName: string): Promise<RemoteJob> {
  const file = await provider.uploadFile(inputPath, { displayName: `${displayName}-input` });
  return provider.createJob({ model: 'gemini-2.5-flash', inputFile: file.name, displayName });
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  if (!(error instanceof ProviderError)) throw new NotFoundError('expected a ProviderError');
  return error;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-gemini-provider-'));
  inputPath = join(dir, 'requests.jsonl');
  const lines = [1, 2, 3].map((n) => JSON.stringify({ key: `doc-${n}`, request: { contents: [{ parts: [{ text: `Hi ${n}` }] }] } }));
  await writeFile(inputPath, `${lines.join('\n')}\n`);
});

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('uploadFile', () => {
  it('resumes a chunk dropped mid-way from the committed offset (emulator stats)', async () => {
    const emulator = await start({ faults: { dropUploadChunk: [{ nth: 2, committedFraction: 0.5 }] } });
    const big = join(dir, 'big.json');
    await writeFile(big, Buffer.alloc(3 * 64 * 1024 + 7, 'x'));
    const file = await gemini(emulator, { uploadChunkBytes: 64 * 1024 }).uploadFile(big, { displayName: 'resumed' });
    expect(file.sizeBytes).toBe(3 * 64 * 1024 + 7);
    expect(emulator.stats()).toMatchObject({ uploadsResumed: 1, uploadsRestarted: 0, uploadQueries: 1, filesUploaded: 1 });
  });

  it('turns an HTTP 200 {error} answer to the MIME type into a ProviderError that says how to fix it', async () => {
    const emulator = await start({ faults: { rejectMimeTypes: ['application/json'] } });
    const error = await rejection(gemini(emulator).uploadFile(inputPath, { displayName: 'refused' }));
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('"application/json"');
    expect(error.message).toContain('gemini.uploadMimeType');
    const accepted = await gemini(emulator, { uploadMimeType: 'application/jsonl' }).uploadFile(inputPath, { displayName: 'ok' });
    expect(accepted.name).toMatch(/^files\//);
    expect(emulator.stats().filesUploaded).toBe(1);
  });

  it('refuses an empty file before sending anything', async () => {
    const emulator = await start();
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    await expect(gemini(emulator).uploadFile(empty, { displayName: 'empty' })).rejects.toBeInstanceOf(InputError);
    expect(emulator.stats().endpointCalls['upload.start']).toBe(0);
  });
});

describe('createJob', () => {
  it('is never retried inside the provider, even on a retryable failure', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.create', fault: 503, limit: 1 }] } });
    const provider = gemini(emulator);
    const error = await rejection(submit(provider, 'create-503'));
    expect(error).toMatchObject({ status: 503, isRetryable: true });
    expect(emulator.stats().endpointCalls['batches.create']).toBe(1);
    expect(emulator.stats().batchesCreated).toBe(0);
  });

  it('reports a dropped connection as a retryable ProviderError without retrying', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.create', fault: 'drop', limit: 1 }] } });
    const error = await rejection(submit(gemini(emulator), 'create-drop'));
    expect(error.isRetryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/createJob\(create-drop\) failed: network error/);
    expect(emulator.stats().endpointCalls['batches.create']).toBe(1);
  });
});

describe('getJob', () => {
  it('tries once and surfaces a 503 as a retryable ProviderError (the retry policy wraps every provider)', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.get', fault: 503 }] } });
    const provider = gemini(emulator);
    const created = await submit(provider, 'get-503-always');
    const error = await rejection(provider.getJob(created.name));
    expect(error).toMatchObject({ status: 503, isRetryable: true });
    expect(error.message).toMatch(/^Gemini getJob\(batches\/.+\) failed: HTTP 503 UNAVAILABLE: /);
    expect(emulator.stats().endpointCalls['batches.get']).toBe(1);
  });

  it('reports a dropped connection as a retryable ProviderError', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.get', fault: 'drop' }] } });
    const provider = gemini(emulator);
    const created = await submit(provider, 'get-drop');
    const error = await rejection(provider.getJob(created.name));
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('network error');
  });

  it("reads a failed job's error and counts from the raw Operation", async () => {
    const emulator = await start({ faults: { jobs: [{ displayNameContains: 'doomed', outcome: 'failed', afterLines: 1 }] } });
    const provider = gemini(emulator);
    const job = await waitForTerminal(provider, (await submit(provider, 'doomed-job')).name);
    expect(job.state).toBe('failed');
    expect(job.rawState).toBe('BATCH_STATE_FAILED');
    // The SDK's BatchJob has no error on the Gemini API; this text exists only in the raw Operation.
    expect(job.error?.message).toMatch(/emulator fault jobs\[0\]/);
    expect(job.requestCounts?.total).toBe(3);
  });
});

describe('findJobsByDisplayName', () => {
  it('pages through the whole listing and returns every job with that name, with counts', async () => {
    const emulator = await start();
    const provider = gemini(emulator, { listPageSize: 2 });
    const twins = [await submit(provider, 'twin'), await submit(provider, 'twin')];
    await submit(provider, 'other');
    await submit(provider, 'twin-not-exactly');
    const found = await provider.findJobsByDisplayName('twin');
    expect(found.map((job) => job.name).sort()).toEqual(twins.map((job) => job.name).sort());
    expect(found.every((job) => job.requestCounts?.total === 3)).toBe(true);
    expect(emulator.stats().endpointCalls['batches.list']).toBeGreaterThanOrEqual(2);
  });
});

describe('downloadResults', () => {
  it('refuses a job without an output file', async () => {
    const emulator = await start();
    const provider = gemini(emulator);
    const created = await submit(provider, 'no-output-yet');
    await expect(provider.downloadResults({ ...created, outputFile: undefined }, join(dir, 'x.jsonl'))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

});

describe('the API key', () => {
  it('never appears in an error message, whichever call fails', async () => {
    const emulator = await start();
    const right = gemini(emulator);
    const job = await waitForTerminal(right, (await submit(right, 'key-test')).name);
    const wrongKey = 'wrong-key-456';
    const wrong = gemini(emulator, { apiKey: wrongKey });
    const errors = [
      await rejection(wrong.uploadFile(inputPath, { displayName: 'x' })),
      await rejection(wrong.createJob({ model: 'gemini-2.5-flash', inputFile: 'files/abc', displayName: 'x' })),
      await rejection(wrong.getJob(job.name)),
      await rejection(wrong.findJobsByDisplayName('key-test')),
      await rejection(wrong.cancelJob(job.name)),
      await rejection(wrong.downloadResults(job, join(dir, 'never.jsonl'))),
    ];
    for (const error of errors) {
      expect(error.status).toBe(403);
      expect(error.isRetryable).toBe(false);
      expect(error.message).not.toContain(wrongKey);
      expect(error.message).not.toContain(KEY);
      expect(String(error.stack)).not.toContain(wrongKey);
    }
  });
});
