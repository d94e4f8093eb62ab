import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/index.ts';
import { createManualClock, ProviderError, systemClock, type Clock } from '../shared/index.ts';
import { TERMINAL_JOB_STATES, type BatchProvider, type RemoteJob } from './batch-provider.ts';
import { createGeminiProvider } from './gemini/index.ts';
import { ProviderHealth, resilientProvider } from './resilient-provider.ts';
import type { RetryEvent } from './retry-policy.ts';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type EmulatorOptions = NonNullable<Parameters<typeof startEmulator>[0]>;

const KEY = 'resilient-key';
const emulators: Emulator[] = [];
let dir: string;
let inputPath: string;

/** Sleeps return at once, are recorded and move the clock on: retries are checked without waiting. */
function recordingClock(): Clock & { sleeps: number[] } {
  const manual = createManualClock();
  const sleeps: number[] = [];
  return { sleeps, now: () => manual.now(), sleep: (ms) => {
      sleeps.push(ms);
      manual.advance(ms);
      return Promise.resolve();
    },
  };
}

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ apiKey: KEY, seed: 11, pendingMs: 20, jobDurationMs: 100, ...options });
  emulators.push(emulator);
  return emulator;
}

/** Gemini over the emulator, wrapped: jitter fixed at the ceiling's half, retries and health changes recorded. */
function resilient(emulator: Emulator, thresholdMs = 60_000) {
  const clock = recordingClock();
  const retries: RetryEvent[] = [];
  const healthLog: string[] = [];
  const observer = {
    retried: (event: RetryEvent) => retries.push(event),
    unhealthy: (since: number) => healthLog.push(`unhealthy since ${since}`),
    recovered: (at: number) => healthLog.push(`recovered at ${at}`),
  };
  const health = new ProviderHealth(clock, { thresholdMs, observer });
  const provider = resilientProvider(createGeminiProvider({ apiKey: KEY, baseUrl: emulator.url }), {
    policy: { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 },
    clock,
    random: () => 0.5,
    health,
    observer,
  });
  return { provider, clock, retries, health, healthLog };
}

async function submit(provider: BatchProvider, displayName: string): Promise<RemoteJob> {
  const file = await provider.uploadFile(inputPath, { displayName: `${displayName}-input` });
  return provider.createJob({ model: 'gemini-2.5-flash', inputFile: file.name, displayName });
}

async function waitForTerminal(provider: BatchProvider, name: string): Promise<RemoteJob> {
  for (let poll = 0; poll < 400; poll++) {
    const job = await provider.getJob(name);
    if (TERMINAL_JOB_STATES.has(job.state)) return job;
    await systemClock.sleep(20);
  }
  throw new ProviderError('gemini', `test: ${name} did not finish`, { isRetryable: false });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'truebatch-resilient-'));
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

describe('resilientProvider over Gemini', () => {
  it('rides out two 503s on getJob with jittered backoff and counts them by endpoint and status', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.get', fault: 503, limit: 2 }] } });
    const { provider, clock, retries } = resilient(emulator);
    const created = await submit(provider, 'get-503');
    expect((await provider.getJob(created.name)).name).toBe(created.name);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(retries.map((event) => `${event.endpoint} ${event.status}`)).toEqual(['getJob 503', 'getJob 503']);
    expect(emulator.stats().endpointCalls['batches.get']).toBe(3);
  });

  it("waits what Google's RetryInfo (or Retry-After) asks for, over the wire, instead of its own backoff", async () => {
    const emulator = await start({
      faults: { http: [{ endpoint: 'batches.get', fault: 429, limit: 1, retryAfterSeconds: 3 }, { endpoint: 'files.download', fault: 503, limit: 1, retryAfterSeconds: 1.5 }] },
    });
    const { provider, clock, retries } = resilient(emulator);
    const job = await waitForTerminal(provider, (await submit(provider, 'retry-info')).name);
    await provider.downloadResults(job, join(dir, 'retry-info.jsonl'));
    expect(clock.sleeps).toEqual([3000, 1500]);
    expect(retries.map((event) => `${event.endpoint} ${event.status} ${event.delayMs}`)).toEqual(['getJob 429 3000', 'downloadResults 503 1500']);
  });

  it('retries a dropped download and then reads every line', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'files.download', fault: 'drop', limit: 1 }] } });
    const { provider, retries } = resilient(emulator);
    const job = await waitForTerminal(provider, (await submit(provider, 'download-drop')).name);
    const path = join(dir, 'download-drop.jsonl');
    await provider.downloadResults(job, path);
    const keys: string[] = [];
    for await (const item of provider.readResults(path)) if (item.kind !== 'malformed') keys.push(item.key);
    expect(keys.sort()).toEqual(['doc-1', 'doc-2', 'doc-3']);
    expect(retries.map((event) => `${event.endpoint} ${event.status}`)).toEqual(['downloadResults network']);
    expect(emulator.stats().endpointCalls['files.download']).toBe(2);
  });

  it('never retries a create (not idempotent), and gives up on a read after its attempts', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.create', fault: 503, limit: 1 }, { endpoint: 'batches.get', fault: 503 }] } });
    const { provider, retries } = resilient(emulator);
    const file = await provider.uploadFile(inputPath, { displayName: 'once-input' });
    await expect(provider.createJob({ model: 'gemini-2.5-flash', inputFile: file.name, displayName: 'once' })).rejects.toMatchObject({ status: 503 });
    expect(emulator.stats().endpointCalls['batches.create']).toBe(1);
    const created = await provider.createJob({ model: 'gemini-2.5-flash', inputFile: file.name, displayName: 'once' });
    await expect(provider.getJob(created.name)).rejects.toMatchObject({ status: 503, isRetryable: true });
    expect(emulator.stats().endpointCalls['batches.get']).toBe(3);
    expect(retries).toHaveLength(2);
  });

  it('reports the provider unhealthy since its last answer once it has been silent past the threshold, and its recovery', async () => {
    const emulator = await start({ faults: { http: [{ endpoint: 'batches.get', fault: 503, limit: 6 }] } });
    const { provider, clock, health, healthLog } = resilient(emulator, 1000);
    const created = await submit(provider, 'silent');
    const answeredAt = clock.now();
    // 3 tries, waits of 500 and 1000 ms: silent for 1.5 s, past the 1 s threshold.
    await expect(provider.getJob(created.name)).rejects.toMatchObject({ status: 503 });
    expect(health.unhealthySince).toBe(answeredAt);
    await expect(provider.getJob(created.name)).rejects.toMatchObject({ status: 503 });
    expect((await provider.getJob(created.name)).name).toBe(created.name);
    expect(health.unhealthySince).toBeUndefined();
    expect(healthLog).toEqual([`unhealthy since ${answeredAt}`, `recovered at ${clock.now()}`]);
  });

  it('keeps the interactive model, repeating a generate only when it was refused before an answer (429, 503) (#19)', async () => {
    const emulator = await start({
      faults: { http: [{ endpoint: 'models.generateContent', fault: 429, limit: 1 }, { endpoint: 'models.generateContent', fault: 500, nth: 2 }] },
    });
    const { provider, retries } = resilient(emulator);
    const requestJson = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });
    const answer = await provider.interactive?.generate({ model: 'gemini-2.5-flash', key: 'k', requestJson });
    expect(answer?.text).toEqual(expect.any(String));
    expect(retries.map((event) => `${event.endpoint} ${event.status}`)).toEqual(['generate 429']);
    // A 500 may come after the model answered: never repeated, it is paid for.
    await expect(provider.interactive?.generate({ model: 'gemini-2.5-flash', key: 'k', requestJson })).rejects.toMatchObject({ status: 500 });
    expect(emulator.stats().endpointCalls['models.generateContent']).toBe(3);
  });

  it('reports a request the model refuses as a non-retryable 400, asked once, with the key nowhere in the message', async () => {
    const emulator = await start();
    const { provider, retries } = resilient(emulator);
    const refused = provider.interactive?.generate({ model: 'gemini-2.5-flash', key: 'doc-9', requestJson: JSON.stringify({ contents: [] }) });
    await expect(refused).rejects.toMatchObject({ status: 400, isRetryable: false, message: expect.stringContaining('generateContent(doc-9)') });
    await expect(refused).rejects.not.toThrow(KEY);
    expect(retries).toEqual([]);
    expect(emulator.stats().endpointCalls['models.generateContent']).toBe(1);
  });
});
