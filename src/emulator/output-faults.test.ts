import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { createEmulator, startEmulator, type Emulator, type FaultConfigInput } from './index.ts';
import { callJson, makeTempDir, requestLines, textRequest, uploadInProcess, writeJsonl, type WireOperation } from './test-support.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

async function runFileJob(faults: FaultConfigInput, seed: number, count = 20): Promise<{ emulator: Emulator; text: string; keys: string[] }> {
  const clock = createManualClock();
  const emulator = createEmulator({ clock, faults, seed, pendingMs: 0, jobDurationMs: 0 });
  open.push(emulator);
  const uploaded = await uploadInProcess(emulator, `${requestLines(count, 'out').join('\n')}\n`);
  const created = await callJson<WireOperation>(emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
    method: 'POST',
    body: { batch: { inputConfig: { fileName: uploaded.file.name } } },
  });
  const done = (await callJson<WireOperation>(emulator, `/v1beta/${created.body.name}`)).body;
  const id = done.metadata.output!.responsesFile!.slice('files/'.length);
  const text = await readFile(join(emulator.storageDir, 'files', id), 'utf8');
  const keys = text.trim().split('\n').map((line) => (JSON.parse(line) as { key: string }).key);
  return { emulator, text, keys };
}

const inputKeys = Array.from({ length: 20 }, (_, index) => `out-${index}`);

describe('output faults', () => {
  it('shuffles the result file, the same way for the same seed', async () => {
    const first = await runFileJob({ output: { shuffle: true } }, 11);
    const second = await runFileJob({ output: { shuffle: true } }, 11);
    expect(first.keys).not.toEqual(inputKeys);
    expect([...first.keys].sort()).toEqual([...inputKeys].sort());
    expect(second.text).toBe(first.text);
  });

  it('duplicates, drops and invents keys, deterministically', async () => {
    const faults: FaultConfigInput = { output: { duplicateKeys: 2, missingKeys: 3, unknownKeys: 1 } };
    const { keys, text, emulator } = await runFileJob(faults, 5);
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    expect([...counts.values()].filter((count) => count === 2)).toHaveLength(2);
    expect(inputKeys.filter((key) => !counts.has(key))).toHaveLength(3);
    expect(keys.filter((key) => !inputKeys.includes(key))).toEqual(['emulator-unknown-key-1-1']);
    expect(keys).toHaveLength(20 - 3 + 2 + 1);
    const listed = (await callJson(emulator, '/v1beta/files')).body.files?.find((file) => file.source === 'GENERATED');
    expect(listed?.sizeBytes).toBe(String(Buffer.byteLength(text)));
    expect((await runFileJob(faults, 5)).text).toBe(text);
  });

  it('limits output faults to the n-th job with `nth`', async () => {
    const first = await runFileJob({ output: { missingKeys: 3, nth: 1 } }, 5);
    expect(first.keys).toHaveLength(17);
    const untouched = await runFileJob({ output: { missingKeys: 3, nth: 2 } }, 5);
    expect(untouched.keys).toEqual(inputKeys);
  });

  it('applies the same faults to inline responses', async () => {
    const emulator = createEmulator({ faults: { output: { missingKeys: 1, unknownKeys: 1 } }, pendingMs: 0, jobDurationMs: 0 });
    open.push(emulator);
    const requests = ['a', 'b', 'c'].map((key) => ({ request: textRequest(key), metadata: { key } }));
    const created = await callJson<WireOperation>(emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
      method: 'POST',
      body: { batch: { inputConfig: { requests: { requests } } } },
    });
    const done = (await callJson<WireOperation>(emulator, `/v1beta/${created.body.name}`)).body;
    const keys = (done.metadata.output?.inlinedResponses?.inlinedResponses ?? []).map((item) => item.metadata?.key);
    expect(keys).toHaveLength(3);
    expect(keys.filter((key) => ['a', 'b', 'c'].includes(key ?? ''))).toHaveLength(2);
    expect(keys).toContain('emulator-unknown-key-1-1');
  });
});

describe('line faults reach the model with exact submission counts', () => {
  it('gives the same faulty lines for the same seed', async () => {
    const faults: FaultConfigInput = { lines: { errorRate: 0.5 } };
    const first = await runFileJob(faults, 9);
    const lines = first.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((line) => 'error' in line)).toBe(true);
    expect(lines.some((line) => 'response' in line)).toBe(true);
    expect((await runFileJob(faults, 9)).text).toBe(first.text);
  });

  it('fails every line of a first submission and none of the resubmission (maxSubmissionsPerKey 1)', async () => {
    const faults: FaultConfigInput = { lines: { errorRate: 1, maxSubmissionsPerKey: 1 } };
    const first = await runFileJob(faults, 3, 4);
    expect(first.text.trim().split('\n').every((line) => 'error' in JSON.parse(line))).toBe(true);
    const again = await callJson<WireOperation>(first.emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
      method: 'POST',
      body: { batch: { inputConfig: { requests: { requests: inputKeys.slice(0, 4).map((key) => ({ request: textRequest(key), metadata: { key } })) } } } },
    });
    const done = (await callJson<WireOperation>(first.emulator, `/v1beta/${again.body.name}`)).body;
    expect(done.metadata.batchStats).toEqual({ requestCount: '4', successfulRequestCount: '4' });
    expect(first.emulator.stats().submissionsByKey['out-0']).toBe(2);
  });
});

describe('the upload MIME-type quirk', () => {
  it('answers HTTP 200 with an error body and no file; the SDK resolves undefined', async () => {
    const temp = makeTempDir();
    const served = await startEmulator({ apiKey: 'k-mime', faults: { rejectMimeTypes: ['jsonl'] } });
    open.push(served, { close: temp.remove });
    const ai = new GoogleGenAI({ apiKey: 'k-mime', apiVersion: 'v1beta', httpOptions: { baseUrl: served.url } });
    const path = writeJsonl(temp.dir, 'in.jsonl', requestLines(2));
    expect(await ai.files.upload({ file: path, config: { mimeType: 'jsonl' } })).toBeUndefined();

    const emulator = served.emulator;
    const raw = await uploadInProcess(emulator, 'x', 'jsonl', { 'x-goog-api-key': 'k-mime' });
    expect(raw).toEqual({ error: { code: 400, message: 'Unsupported MIME type: jsonl', status: 'INVALID_ARGUMENT' } });
    expect(served.stats()).toMatchObject({ filesUploaded: 0, uploadsRejected: 2 });
    expect(await ai.files.upload({ file: path, config: { mimeType: 'application/json' } })).toMatchObject({ mimeType: 'application/json' });
  });
});
