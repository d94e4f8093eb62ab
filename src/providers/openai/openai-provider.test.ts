/**
 * The OpenAI provider over HTTP against the emulator's OpenAI Batch API (through the official SDK): downloads join
 * the output and error files, and the traps of spec §10a each come back as the engine needs them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.ts';
import { ApiKeyRejectedError, ProviderError } from '../../shared/index.ts';
import { TERMINAL_JOB_STATES, type BatchProvider, type RemoteJob, type ResultItem } from '../batch-provider.ts';
import { createOpenAiProvider } from './openai-provider.ts';
import { openAiRequestCodec } from './openai-request.ts';

const KEY = 'sk-provider-test-key-1234';
const MODEL = 'gpt-4.1-mini';
const running: RunningEmulator[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-openai-provider-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function providerAt(options: EmulatorOptions = {}): Promise<{ provider: BatchProvider; server: RunningEmulator }> {
  const server = await startEmulator({ apiKey: KEY, jobDurationMs: 0, pendingMs: 0, ...options });
  running.push(server);
  return { provider: createOpenAiProvider({ apiKey: KEY, baseUrl: server.openaiUrl }), server };
}

/** A truebatch input file of `count` requests keyed `k1…`. */
async function inputFile(count: number, name: string): Promise<{ path: string; keys: string[] }> {
  const keys = Array.from({ length: count }, (_unused, index) => `k${index + 1}`);
  const lines = keys.map((key) => `{"key":"${key}","request":${openAiRequestCodec.encode({ content: [{ kind: 'text', text: `Say ${key}` }], generation: {} })}}`);
  const path = join(dir, `${name}.jsonl`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return { path, keys };
}

async function runToEnd(provider: BatchProvider, count: number, displayName: string): Promise<RemoteJob> {
  const { path } = await inputFile(count, displayName);
  const file = await provider.uploadFile(path, { displayName, model: MODEL });
  const created = await provider.createJob({ model: MODEL, inputFile: file.name, displayName });
  for (let poll = 0; poll < 2000; poll++) {
    const job = await provider.getJob(created.name);
    if (TERMINAL_JOB_STATES.has(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${created.name} did not end`);
}

async function download(provider: BatchProvider, job: RemoteJob): Promise<ResultItem[]> {
  const path = join(dir, `${job.name}.results.jsonl`);
  await provider.downloadResults(job, path);
  const items: ResultItem[] = [];
  for await (const item of provider.readResults(path)) items.push(item);
  return items;
}

describe('OpenAI provider against the emulator', () => {
  it('uploads truebatch lines as OpenAI lines naming the model, and joins the output and error files in one download', async () => {
    const { provider } = await providerAt({ faults: { openai: { hiddenRejectionRate: 0.5 } } });
    const job = await runToEnd(provider, 12, 'joined');
    expect(job.state).toBe('succeeded');
    const items = await download(provider, job);
    expect(items.map((item) => (item.kind === 'malformed' ? 'malformed' : item.key)).sort()).toEqual(
      Array.from({ length: 12 }, (_unused, index) => `k${index + 1}`).sort(),
    );
    const kinds = new Set(items.map((item) => item.kind));
    expect(kinds).toEqual(new Set(['response', 'error']));
    for (const item of items) if (item.kind === 'error') expect(item.error).toMatchObject({ code: 400, message: expect.stringContaining('context_length_exceeded') });
    expect(job.requestCounts).toMatchObject({ total: 12 });
  });

  it('collects a completed batch that has only an error file, and a clean batch whose error_file_id is ""', async () => {
    const { provider } = await providerAt({ faults: { openai: { emptyErrorFileId: true, batches: [{ nth: 1, outcome: 'all-failed' }] } } });
    const failed = await runToEnd(provider, 3, 'all-failed');
    expect(failed.state).toBe('succeeded');
    expect(failed.outputFile).toBeDefined();
    expect((await download(provider, failed)).map((item) => item.kind)).toEqual(['error', 'error', 'error']);
    const clean = await runToEnd(provider, 2, 'clean');
    expect((await download(provider, clean)).map((item) => item.kind)).toEqual(['response', 'response']);
  });

  it('keeps the answered lines of an expired batch and reads the rest as batch_expired errors', async () => {
    const { provider } = await providerAt({ faults: { openai: { batches: [{ nth: 1, outcome: 'expired', afterLines: 2 }] } } });
    const job = await runToEnd(provider, 5, 'expiring');
    expect(job.state).toBe('expired');
    const items = await download(provider, job);
    expect(items.filter((item) => item.kind === 'response')).toHaveLength(2);
    const errors = items.filter((item) => item.kind === 'error');
    expect(errors).toHaveLength(3);
    for (const item of errors) expect(item.error.message).toMatch(/^batch_expired/);
  });

  it('never retries a create whose answer was lost: one batch, found again by its metadata tag', async () => {
    const { provider, server } = await providerAt({ jobDurationMs: 60_000, faults: { http: [{ endpoint: 'openai.batches.create', fault: 'dropAfter', nth: 1 }] } });
    const { path } = await inputFile(2, 'dropped');
    const file = await provider.uploadFile(path, { displayName: 'dropped', model: MODEL });
    const error: unknown = await provider.createJob({ model: MODEL, inputFile: file.name, displayName: 'run-dropped-s0001' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).isRetryable).toBe(true);
    expect(server.stats().openai.batchesCreated).toBe(1);
    const found = await provider.findJobsByDisplayName('run-dropped-s0001');
    expect(found).toHaveLength(1);
    expect(found[0]?.displayName).toBe('run-dropped-s0001');
  });

  it('says a job failed at validation, with OpenAI\'s code', async () => {
    const { provider } = await providerAt({ faults: { openai: { batches: [{ nth: 1, outcome: 'token-limit' }] } } });
    const job = await runToEnd(provider, 2, 'token-limit');
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/^token_limit_exceeded/);
  });

  it('rejects a wrong key with ApiKeyRejectedError that does not hold the key', async () => {
    const { server } = await providerAt();
    const wrong = 'sk-wrong-key-never-shown';
    const provider = createOpenAiProvider({ apiKey: wrong, baseUrl: server.openaiUrl });
    const error: unknown = await provider.getJob('batch_x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiKeyRejectedError);
    expect(String((error as Error).message)).not.toContain(wrong);
  });
});
