/**
 * The Anthropic provider over HTTP against the emulator's Message Batches API: what the contract suite does not
 * cover (finding a lost create by its custom_ids, lines another job named, a rejected key).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/index.ts';
import { ApiKeyRejectedError, CreateUndecidedError } from '../../shared/index.ts';
import type { BatchProvider, RemoteJob } from '../batch-provider.ts';
import { createAnthropicProvider } from './anthropic-provider.ts';
import { anthropicRequestCodec } from './anthropic-request.ts';

const KEY = 'anthropic-provider-test-key';
let emulator: RunningEmulator;
let provider: BatchProvider;
let dir: string;

beforeAll(async () => {
  // The first batch stays in progress until it is cancelled: a lost create that cannot be told apart yet.
  emulator = await startEmulator({ apiKey: KEY, seed: 1, pendingMs: 20, jobDurationMs: 100, faults: { anthropic: { batches: [{ nth: 1, outcome: 'stuck' }] } } });
  provider = createAnthropicProvider({ apiKey: KEY, baseUrl: emulator.anthropicUrl });
  dir = await mkdtemp(join(tmpdir(), 'truebatch-anthropic-provider-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

async function shard(name: string, keys: string[]): Promise<string> {
  const path = join(dir, `${name}.jsonl`);
  const lines = keys.map((key) => `{"key":${JSON.stringify(key)},"request":${anthropicRequestCodec.encode({ content: [{ kind: 'text', text: `About ${key}` }], generation: { maxOutputTokens: 64 } })}}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

async function ended(name: string): Promise<RemoteJob> {
  for (;;) {
    const job = await provider.getJob(name);
    if (job.rawState === 'ended') return job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Anthropic provider', () => {
  it('cannot tell a lost create while a batch of the window is still processing, and finds it by its custom_ids once it ends', async () => {
    const notBefore = Date.now();
    const input = await shard('stuck', ['a', 'b']);
    const created = await provider.createJob({ model: 'claude-sonnet-5-5', inputFile: input, displayName: 'tb-p-s-1' });
    expect(created.requestCounts).toBeUndefined(); // Anthropic reports no counts until the batch ends
    await expect(provider.findJobsByDisplayName('tb-p-s-1', { requestCount: 2, notBefore })).rejects.toBeInstanceOf(CreateUndecidedError);
    await provider.cancelJob(created.name);
    await ended(created.name);
    const found = await provider.findJobsByDisplayName('tb-p-s-1', { requestCount: 2, notBefore });
    expect(found.map((job) => job.name)).toEqual([created.name]);
    expect(found[0]).toMatchObject({ state: 'cancelled', requestCounts: { total: 2, failed: 2 } });
    // Same size, same window, another job: not it.
    expect(await provider.findJobsByDisplayName('tb-p-s-2', { requestCount: 2, notBefore })).toEqual([]);
  });

  it('joins each result line to its key through the input file, and leaves a line the job did not name unjoined', async () => {
    const keys = ['doc/with spaces & ünïcode.pdf', 'x'.repeat(200)];
    const input = await shard('keys', keys);
    const created = await provider.createJob({ model: 'claude-sonnet-5-5', inputFile: input, displayName: 'tb-p-s-3' });
    const job = await ended(created.name);
    const joined = join(dir, 'joined.jsonl');
    await provider.downloadResults({ ...job, displayName: 'tb-p-s-3' }, joined, input);
    const items = [];
    for await (const item of provider.readResults(joined)) items.push(item);
    expect(items.map((item) => (item.kind === 'malformed' ? '' : item.key)).sort()).toEqual([...keys].sort());
    // The same batch read as another job's (another tag): its lines keep their custom_ids, reported as unknown keys.
    const foreign = join(dir, 'foreign.jsonl');
    await provider.downloadResults({ ...job, displayName: 'tb-p-s-4' }, foreign, input);
    const lines = (await readFile(foreign, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { key?: string; custom_id: string });
    expect(lines.every((line) => line.key === undefined && /^[0-9a-f]{16}-\d+$/.test(line.custom_id))).toBe(true);
  });

  it('reports a rejected key as ApiKeyRejectedError without the key', async () => {
    const wrong = createAnthropicProvider({ apiKey: 'wrong-key-987', baseUrl: emulator.anthropicUrl });
    const error: unknown = await wrong.getJob('msgbatch_x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiKeyRejectedError);
    expect((error as Error).message).not.toContain('wrong-key-987');
  });
});
