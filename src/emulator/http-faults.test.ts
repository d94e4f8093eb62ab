import { GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, startEmulator, type Emulator, type FaultConfigInput, type RunningEmulator } from './index.ts';
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
