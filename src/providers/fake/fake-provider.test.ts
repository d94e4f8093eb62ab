/** @module The fake provider's scripted behaviour, on a manual clock: what engine unit tests rely on. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, NotFoundError, ProviderError, type ManualClock } from '../../shared/index.ts';
import type { BatchProvider, RemoteJob, ResultItem } from '../batch-provider.ts';
import { createFakeProvider, FakeBatchService, type FakeScript } from './index.ts';

let dir: string;
let clock: ManualClock;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-fake-'));
  clock = createManualClock();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function fake(script: FakeScript = {}, limits?: { maxRequestsPerJob: number }): { service: FakeBatchService; provider: BatchProvider } {
  const service = new FakeBatchService({ clock, script, ...(limits ? { limits } : {}) });
  return { service, provider: createFakeProvider({ service }) };
}

async function submit(provider: BatchProvider, displayName: string, keys = ['a', 'b', 'c', 'd']): Promise<RemoteJob> {
  const path = join(dir, `${displayName}.jsonl`);
  await writeFile(path, keys.map((key) => `${JSON.stringify({ key, request: { text: `about ${key}` } })}\n`).join(''));
  const file = await provider.uploadFile(path, { displayName });
  return provider.createJob({ model: 'm', inputFile: file.name, displayName });
}

async function results(provider: BatchProvider, job: RemoteJob): Promise<ResultItem[]> {
  const path = join(dir, `${job.name.replaceAll('/', '-')}.results.jsonl`);
  await provider.downloadResults(job, path);
  const items: ResultItem[] = [];
  for await (const item of provider.readResults(path)) items.push(item);
  return items;
}

const keysOf = (items: ResultItem[]): string[] => items.map((item) => (item.kind === 'malformed' ? '?' : item.key));

describe('fake provider', () => {
  it('moves a job through pending and running to succeeded only as the clock moves', async () => {
    const { provider } = fake({ pendingMs: 1000, runMs: 4000 });
    const job = await submit(provider, 'slow');
    expect(job.state).toBe('pending');
    clock.advance(999);
    expect((await provider.getJob(job.name)).state).toBe('pending');
    clock.advance(1);
    expect((await provider.getJob(job.name)).state).toBe('running');
    clock.advance(3999);
    expect((await provider.getJob(job.name)).outputFile).toBeUndefined();
    clock.advance(1);
    const done = await provider.getJob(job.name);
    expect(done).toMatchObject({ state: 'succeeded', requestCounts: { total: 4, succeeded: 4, failed: 0, pending: 0 } });
    expect(keysOf(await results(provider, done))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('creates the job yet rejects with a retryable error when the create reply is lost', async () => {
    const { provider, service } = fake({ jobs: [{ displayNameContains: 'lossy', loseCreateReply: true }] });
    const error: unknown = await submit(provider, 'lossy-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).isRetryable).toBe(true);
    const found = await provider.findJobsByDisplayName('lossy-1');
    expect(found).toHaveLength(1);
    expect(service.stats().jobsByDisplayName).toEqual({ 'lossy-1': 1 });
  });

  it('forgets a job: getJob then rejects with NotFoundError, and the listing no longer has it', async () => {
    const { provider } = fake({ jobs: [{ displayNameContains: 'vanish', forgetAfterMs: 500 }] });
    const job = await submit(provider, 'vanish');
    expect((await provider.getJob(job.name)).state).toBe('running');
    clock.advance(500);
    await expect(provider.getJob(job.name)).rejects.toBeInstanceOf(NotFoundError);
    expect(await provider.findJobsByDisplayName('vanish')).toEqual([]);
  });

  it('ends a failed or expired job with the first completedLines answered, and results for those only', async () => {
    const { provider } = fake({ jobs: [{ displayNameContains: 'half', outcome: 'expired', completedLines: 2 }] });
    const job = await submit(provider, 'half');
    clock.advance(1000);
    const done = await provider.getJob(job.name);
    expect(done).toMatchObject({ state: 'expired', requestCounts: { total: 4, succeeded: 2, failed: 0, pending: 2 } });
    expect(keysOf(await results(provider, done))).toEqual(['a', 'b']);
  });

  it('expires a stuck job after jobExpiryMs, with no output file', async () => {
    const { provider } = fake({ jobExpiryMs: 10_000, jobs: [{ displayNameContains: 'stuck', outcome: 'stuck' }] });
    const job = await submit(provider, 'stuck');
    clock.advance(9_999);
    expect((await provider.getJob(job.name)).state).toBe('running');
    clock.advance(1);
    expect(await provider.getJob(job.name)).toMatchObject({ state: 'expired', outputFile: undefined });
  });

  it('answers per key as scripted: text, a per-line error, or no line at all', async () => {
    const { provider } = fake({
      answer: (key) => (key === 'b' ? { error: { code: 400, message: 'bad b' } } : key === 'c' ? { omitted: true } : { text: `text of ${key}` }),
    });
    const job = await submit(provider, 'mixed');
    clock.advance(1000);
    const done = await provider.getJob(job.name);
    expect(done.requestCounts).toEqual({ total: 4, succeeded: 2, failed: 2, pending: 0 });
    const items = await results(provider, done);
    expect(items.map((item) => item.kind)).toEqual(['response', 'error', 'response']);
    expect(items[0]).toMatchObject({ key: 'a', response: { text: 'text of a', finish: 'stop', rawFinish: 'STOP' } });
    expect(items[1]).toMatchObject({ key: 'b', error: { code: 400, message: 'bad b' } });
  });

  it('fails the scripted calls, counting them, then works again', async () => {
    const { provider, service } = fake({ failures: [{ operation: 'getJob', times: 2 }, { operation: 'cancelJob', retryable: false }] });
    const job = await submit(provider, 'flaky');
    await expect(provider.getJob(job.name)).rejects.toMatchObject({ isRetryable: true, status: 503 });
    await expect(provider.getJob(job.name)).rejects.toMatchObject({ isRetryable: true });
    expect((await provider.getJob(job.name)).name).toBe(job.name);
    await expect(provider.cancelJob(job.name)).rejects.toMatchObject({ isRetryable: false, status: 400 });
    expect(service.stats().calls).toMatchObject({ getJob: 3, cancelJob: 1, createJob: 1, uploadFile: 1 });
  });

  it('refuses a job over its declared request limit, and declares that limit', async () => {
    const { provider } = fake({}, { maxRequestsPerJob: 3 });
    expect(provider.capabilities.limits.maxRequestsPerJob).toBe(3);
    await expect(submit(provider, 'big')).rejects.toMatchObject({ status: 400, isRetryable: false });
    expect((await submit(provider, 'small', ['a', 'b', 'c'])).state).toBe('running');
  });

  it('lets uploaded and result files expire after the declared file expiry', async () => {
    const { provider } = fake({ runMs: 1000 });
    const path = join(dir, 'late.jsonl');
    await writeFile(path, `${JSON.stringify({ key: 'a', request: {} })}\n`);
    const file = await provider.uploadFile(path, { displayName: 'late' });
    const expiry = provider.capabilities.limits.fileExpiryMs ?? 0;
    clock.advance(expiry);
    await expect(provider.createJob({ model: 'm', inputFile: file.name, displayName: 'late' })).rejects.toMatchObject({ status: 400 });
    const job = await submit(provider, 'on-time');
    clock.advance(1000);
    const done = await provider.getJob(job.name);
    clock.advance(expiry);
    await expect(results(provider, done)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is deterministic: the same script and clock give the same names and result bytes', async () => {
    const run = async (): Promise<string> => {
      clock = createManualClock();
      const { provider } = fake();
      const job = await submit(provider, 'same');
      clock.advance(1000);
      const path = join(dir, `same-${job.name.replaceAll('/', '-')}.jsonl`);
      await provider.downloadResults(await provider.getJob(job.name), path);
      return `${job.name}\n${await readFile(path, 'utf8')}`;
    };
    expect(await run()).toBe(await run());
  });
});
