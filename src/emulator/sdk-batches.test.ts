import { join } from 'node:path';
import { ApiError, GoogleGenAI, type BatchJob } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { startEmulator } from './index.ts';
import { readJsonlFile, requestLines, sdkEmulatorPerFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-batches-test-key';
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'];
const sdk = sdkEmulatorPerFile(API_KEY);

/** Polls with the SDK; each get also advances the job (the emulator's jobs move when observed). */
async function waitForEnd(client: GoogleGenAI, name: string): Promise<BatchJob> {
  let job = await client.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && !TERMINAL.includes(job.state ?? ''); attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    job = await client.batches.get({ name });
  }
  return job;
}

describe('batches through the official SDK', () => {
  it('runs a file batch to SUCCEEDED and downloads one {key, response} line per request', async () => {
    const path = writeJsonl(sdk.temp.dir, 'file-job.jsonl', requestLines(25, 'file'));
    const file = await sdk.ai.files.upload({ file: path, config: { mimeType: 'jsonl' } });
    const created = await sdk.ai.batches.create({ model: 'gemini-2.5-flash', src: file.name!, config: { displayName: 'file-job' } });
    expect(created).toMatchObject({ state: 'JOB_STATE_PENDING', displayName: 'file-job', model: 'models/gemini-2.5-flash' });
    expect(created.name).toMatch(/^batches\/[a-z0-9]{36}$/);

    const done = await waitForEnd(sdk.ai, created.name!);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    expect(done.dest?.fileName).toBe(`files/batch-${created.name!.slice('batches/'.length)}`);
    const out = join(sdk.temp.dir, 'file-job.out.jsonl');
    await sdk.ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
    const lines = await readJsonlFile(out);
    expect(lines.map((line) => line['key'])).toEqual(Array.from({ length: 25 }, (_, index) => `file-${index}`));
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(['key', 'response']);
    // The result file's id is `batch-` + 36 = 42 characters: get and delete refuse it, only download reads it
    // (python-genai#1613, #1759; go-genai#436).
    for (const call of [() => sdk.ai.files.get({ name: done.dest!.fileName! }), () => sdk.ai.files.delete({ name: done.dest!.fileName! })]) {
      const refused = await call().catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(400);
      expect((refused as ApiError).message).toContain("File ID (name excluding 'files/') cannot be more than 40 characters.");
    }
  });

  it('runs an inline batch and returns the responses nested in dest with their metadata', async () => {
    const created = await sdk.ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [
        { contents: 'Say hi', metadata: { key: 'inline-1' } },
        { contents: [{ role: 'user', parts: [{ text: 'Say bye' }] }], metadata: { key: 'inline-2' } },
      ],
      config: { displayName: 'inline-job' },
    });
    const done = await waitForEnd(sdk.ai, created.name!);
    expect(done.state).toBe('JOB_STATE_SUCCEEDED');
    const responses = done.dest?.inlinedResponses ?? [];
    expect(responses.map((item) => item.metadata)).toEqual([{ key: 'inline-1' }, { key: 'inline-2' }]);
    expect(responses.every((item) => (item.response?.candidates?.length ?? 0) > 0)).toBe(true);
  });

  it('lists batches page by page and the pager stops after the last page', async () => {
    const created = new Set<string>();
    for (let index = 0; index < 5; index++) {
      const job = await sdk.ai.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: `q${index}`, metadata: { key: `list-${index}` } }] });
      created.add(job.name!);
    }
    const listed: string[] = [];
    const pager = await sdk.ai.batches.list({ config: { pageSize: 2 } });
    for await (const job of pager) listed.push(job.name!);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining([...created]));
  });

  it('deletes a batch, after which it is a 404 with Google’s JSON error envelope', async () => {
    const job = await sdk.ai.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: 'x', metadata: { key: 'deleted' } }] });
    await sdk.ai.batches.delete({ name: job.name! });
    const error = await sdk.ai.batches.get({ name: job.name! }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect(JSON.parse((error as ApiError).message)).toEqual({
      error: { code: 404, message: `Batch ${job.name} does not exist.`, status: 'NOT_FOUND' },
    });
  });

  it('answers generateContent and countTokens, and counts them', async () => {
    const before = sdk.emulator.stats();
    const answer = await sdk.ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Name a colour.' });
    expect(answer.candidates?.length).toBeGreaterThan(0);
    const tokens = await sdk.ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'Name a colour.' });
    expect(tokens.totalTokens).toBeGreaterThan(0);
    const after = sdk.emulator.stats();
    expect(after.generateContentCalls - before.generateContentCalls).toBe(1);
    expect(after.countTokensCalls - before.countTokensCalls).toBe(1);
  });
});

describe('cancel through the official SDK (manual clock)', () => {
  it('cancels a running job and keeps the lines it already processed', async () => {
    const clock = createManualClock();
    const slow = await startEmulator({ apiKey: API_KEY, clock, pendingMs: 100, jobDurationMs: 1000 });
    try {
      const client = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: slow.url } });
      const path = writeJsonl(sdk.temp.dir, 'cancel.jsonl', requestLines(10, 'cancel'));
      const file = await client.files.upload({ file: path, config: { mimeType: 'jsonl' } });
      const job = await client.batches.create({ model: 'gemini-2.5-flash', src: file.name! });
      clock.advance(100 + 400);
      expect((await client.batches.get({ name: job.name! })).state).toBe('JOB_STATE_RUNNING');
      await client.batches.cancel({ name: job.name! });
      const cancelled = await client.batches.get({ name: job.name! });
      expect(cancelled.state).toBe('JOB_STATE_CANCELLED');
      const out = join(sdk.temp.dir, 'cancel.out.jsonl');
      await client.files.download({ file: cancelled.dest!.fileName!, downloadPath: out });
      expect((await readJsonlFile(out)).map((line) => line['key'])).toEqual(['cancel-0', 'cancel-1', 'cancel-2', 'cancel-3']);
      const raw = await fetch(`${slow.url}/v1beta/${job.name}`, { headers: { 'x-goog-api-key': API_KEY } });
      const operation = (await raw.json()) as { error: unknown; response?: unknown; metadata: { batchStats: unknown } };
      // Done with exactly one of error or response (DOC-ref Operation); the counts add up, 6 never processed stay pending.
      expect(operation.error).toEqual({ code: 1, message: 'Batch job was cancelled.' });
      expect(operation.response).toBeUndefined();
      expect(operation.metadata.batchStats).toEqual({ requestCount: '10', successfulRequestCount: '4', pendingRequestCount: '6' });
      clock.advance(10_000);
      expect((await client.batches.get({ name: job.name! })).state).toBe('JOB_STATE_CANCELLED');
      expect(slow.stats().batchesCancelled).toBe(1);
    } finally {
      await slow.close();
    }
  });
});
