import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type Clock } from '../shared/index.ts';
import { createEmulator, faultConfigSchema, startEmulator, type Emulator, type FaultConfigInput, type RunningEmulator } from './index.ts';
import { callJson } from './test-support.ts';

const running: (Emulator | RunningEmulator)[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
});

function inProcess(faults: FaultConfigInput, seed = 0): Emulator {
  const emulator = createEmulator({ faults, seed });
  running.push(emulator);
  return emulator;
}

async function statuses(emulator: Emulator, path: string, times: number): Promise<number[]> {
  const seen: number[] = [];
  for (let call = 0; call < times; call++) seen.push((await callJson(emulator, path)).status);
  return seen;
}

describe('HTTP faults', () => {
  it.each([
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ] as const)('answers %i with Google’s %s envelope, only on the chosen endpoint, up to its limit', async (fault, status) => {
    const emulator = inProcess({ http: [{ endpoint: 'batches.list', fault, limit: 2 }] });
    const first = await callJson(emulator, '/v1beta/batches');
    expect(first.status).toBe(fault);
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(first.body.error).toMatchObject({ code: fault, status });
    expect(first.body.error?.message).toContain('emulator fault http[0] on batches.list');
    expect((await callJson(emulator, '/v1beta/files')).status).toBe(200);
    expect(await statuses(emulator, '/v1beta/batches', 3)).toEqual([fault, 200, 200]);
    expect(emulator.stats().httpFaultsInjected).toBe(2);
    expect(emulator.stats().endpointCalls['batches.list']).toBe(4);
  });

  it('fires a partial rate on the same calls for the same seed', async () => {
    const faults: FaultConfigInput = { http: [{ endpoint: '*', fault: 503, rate: 0.5 }] };
    const first = await statuses(inProcess(faults, 7), '/v1beta/files', 30);
    const second = await statuses(inProcess(faults, 7), '/v1beta/files', 30);
    expect(second).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it('drops the connection without a response: the caller’s fetch rejects, in process and over TCP', async () => {
    const faults: FaultConfigInput = { http: [{ endpoint: 'files.list', fault: 'drop', limit: 1 }] };
    const emulator = inProcess(faults);
    await expect(emulator.app.request('/v1beta/files')).rejects.toThrow(/connection dropped/);
    expect((await emulator.app.request('/v1beta/files')).status).toBe(200);

    const served = await startEmulator({ faults });
    running.push(served);
    await expect(fetch(`${served.url}/v1beta/files`)).rejects.toThrow();
    expect((await fetch(`${served.url}/v1beta/files`)).status).toBe(200);
  });

  it('lets the SDK’s own retry ride over a 503 on batch creation', async () => {
    const served = await startEmulator({ apiKey: 'k-retry', faults: { http: [{ endpoint: 'batches.create', fault: 503, limit: 1 }] } });
    running.push(served);
    const ai = new GoogleGenAI({
      apiKey: 'k-retry',
      apiVersion: 'v1beta',
      httpOptions: { baseUrl: served.url, retryOptions: { attempts: 2, initialDelay: 0.01, maxDelay: 0.01 } },
    });
    const job = await ai.batches.create({ model: 'gemini-2.5-flash', src: [{ contents: 'hi', metadata: { key: 'r1' } }] });
    expect(job.state).toBe('JOB_STATE_PENDING');
    expect(served.stats()).toMatchObject({ batchesCreated: 1, httpFaultsInjected: 1 });
    expect(served.stats().endpointCalls['batches.create']).toBe(2);
  });
});

async function served(faults: FaultConfigInput, clock?: Clock): Promise<RunningEmulator> {
  const emulator = await startEmulator({ apiKey: 'k-faults', faults, clock, pendingMs: 0, jobDurationMs: 0 });
  running.push(emulator);
  return emulator;
}

function sdk(emulator: RunningEmulator, timeout?: number): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'k-faults', apiVersion: 'v1beta', httpOptions: { baseUrl: emulator.url, ...(timeout === undefined ? {} : { timeout }) } });
}

/** Status of a raw GET over HTTP, or `dropped` when the connection broke without an answer. */
async function rawStatus(emulator: RunningEmulator, path = '/v1beta/files'): Promise<number | 'dropped'> {
  try {
    return (await fetch(`${emulator.url}${path}`, { headers: { 'x-goog-api-key': 'k-faults' } })).status;
  } catch {
    return 'dropped';
  }
}

const inlineBatch = { model: 'gemini-2.5-flash', src: [{ contents: 'hi', metadata: { key: 'k1' } }] };

describe('HTTP faults that cost money in production', () => {
  it('dropAfter makes the job, then drops the answer: the SDK sees a network error, the job is listed', async () => {
    const emulator = await served({ http: [{ endpoint: 'batches.create', fault: 'dropAfter', nth: 1 }] });
    const ai = sdk(emulator);
    await expect(ai.batches.create({ ...inlineBatch, config: { displayName: 'lost-answer' } })).rejects.toThrow(/fetch failed/);
    expect(emulator.stats()).toMatchObject({ batchesCreated: 1, httpFaultsInjected: 1 });
    const listed = [];
    for await (const job of await ai.batches.list()) listed.push(job.displayName);
    expect(listed).toEqual(['lost-answer']);
    // nth: only the first create is hit.
    await ai.batches.create({ ...inlineBatch, config: { displayName: 'second' } });
    expect(emulator.stats().batchesCreated).toBe(2);
  });

  it('delay holds the answer on the emulator’s clock past the client’s timeout; the job is made', async () => {
    const clock = createManualClock();
    const emulator = await served({ http: [{ endpoint: 'batches.create', fault: 'delay', delayMs: 60_000 }] }, clock);
    // A limit long enough for the create to be handled on a loaded machine; only the held answer meets it.
    await expect(sdk(emulator, 2000).batches.create(inlineBatch)).rejects.toThrow(/abort/i);
    expect(emulator.stats().batchesCreated).toBe(1);
    clock.advance(60_000);
  });

  it('puts Retry-After and Google’s RetryInfo on 429 and 503 answers', async () => {
    const emulator = await served({
      http: [
        { endpoint: 'files.list', fault: 429, retryAfterSeconds: 3, limit: 1 },
        { endpoint: 'files.list', fault: 503, retryAfterSeconds: 0.25, limit: 1 },
      ],
    });
    const first = await fetch(`${emulator.url}/v1beta/files`, { headers: { 'x-goog-api-key': 'k-faults' } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.json()).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }] },
    });
    // Through the SDK: the ApiError's message is the whole body, details included.
    const error = await sdk(emulator).files.list().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(JSON.parse((error as ApiError).message)).toMatchObject({ error: { details: [{ retryDelay: '0.250s' }] } });
    expect(await rawStatus(emulator)).toBe(200);
  });

  it('refuses retry hints on statuses that do not take them, and a delay without delayMs', () => {
    expect(faultConfigSchema.safeParse({ http: [{ endpoint: '*', fault: 500, retryAfterSeconds: 1 }] }).success).toBe(false);
    expect(faultConfigSchema.safeParse({ http: [{ endpoint: '*', fault: 'delay' }] }).success).toBe(false);
    expect(faultConfigSchema.safeParse({ outages: [{ startAfterMs: 0, startAtCall: 1, durationMs: 5 }] }).success).toBe(false);
  });
});

describe('outages', () => {
  it('fail every call from the n-th API call for durationMs on the emulator’s clock', async () => {
    const clock = createManualClock();
    const emulator = await served({ outages: [{ startAtCall: 3, durationMs: 60_000, retryAfterSeconds: 5 }] }, clock);
    expect([await rawStatus(emulator), await rawStatus(emulator, '/v1beta/batches')]).toEqual([200, 200]);
    const refused = await fetch(`${emulator.url}/v1beta/batches`, { headers: { 'x-goog-api-key': 'k-faults' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: { status: 'UNAVAILABLE', message: expect.stringContaining('outages[0]') } });
    await expect(sdk(emulator).batches.create(inlineBatch)).rejects.toThrow(/UNAVAILABLE/);
    clock.advance(59_999);
    expect(await rawStatus(emulator)).toBe(503);
    clock.advance(1);
    expect(await rawStatus(emulator)).toBe(200);
    expect(emulator.stats()).toMatchObject({ outageCallsRefused: 3, batchesCreated: 0 });
  });

  it('can start a time after the emulator starts, and drop connections instead of answering', async () => {
    const clock = createManualClock();
    const emulator = await served({ outages: [{ startAfterMs: 1000, durationMs: 500, fault: 'drop' }] }, clock);
    expect(await rawStatus(emulator)).toBe(200);
    clock.advance(1000);
    expect(await rawStatus(emulator)).toBe('dropped');
    clock.advance(500);
    expect(await rawStatus(emulator)).toBe(200);
  });

  it('open on POST /emulator/outage and end on DELETE', async () => {
    const emulator = await served({});
    const opened = await fetch(`${emulator.url}/emulator/outage`, { method: 'POST', body: JSON.stringify({ durationMs: 600_000, fault: 429, retryAfterSeconds: 2 }) });
    expect(opened.status).toBe(200);
    expect(await rawStatus(emulator)).toBe(429);
    expect((await fetch(`${emulator.url}/emulator/outage`, { method: 'POST', body: '{"durationMs": -1}' })).status).toBe(400);
    await fetch(`${emulator.url}/emulator/outage`, { method: 'DELETE' });
    expect(await rawStatus(emulator)).toBe(200);
  });
});
