import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from './index.ts';
import { callJson, createFileJob, getJob, outputPath, readJsonlFile, requestLines, uploadInProcess } from './test-support.ts';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

function emulatorWith(clock: ManualClock, options: EmulatorOptions = {}): Emulator {
  const emulator = createEmulator({ clock, pendingMs: 300, jobDurationMs: 1000, ...options });
  open.push(emulator);
  return emulator;
}




describe('job lifecycle on a manual clock', () => {
  it('stays PENDING, runs with progress proportional to elapsed time, then SUCCEEDS', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock);
    const name = await createFileJob(emulator, requestLines(10));

    clock.advance(299);
    expect((await getJob(emulator, name)).metadata).toMatchObject({ state: 'BATCH_STATE_PENDING', batchStats: { requestCount: '10', pendingRequestCount: '10' } });
    clock.advance(1 + 500);
    const half = await getJob(emulator, name);
    expect(half.metadata.state).toBe('BATCH_STATE_RUNNING');
    expect(half.metadata.batchStats).toEqual({ requestCount: '10', successfulRequestCount: '5', pendingRequestCount: '5' });
    expect(half.done).toBeUndefined();
    expect(half.metadata.output).toBeUndefined();
    clock.advance(250);
    expect((await getJob(emulator, name)).metadata.batchStats['successfulRequestCount']).toBe('7');
    clock.advance(250);
    const done = await getJob(emulator, name);
    expect(done.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(done.done).toBe(true);
    expect(done.metadata.batchStats).toEqual({ requestCount: '10', successfulRequestCount: '10' });
    expect(done.metadata.endTime).toBe('2026-01-01T00:00:01.300000000Z');
    expect(done.error).toBeUndefined();
    expect(await readJsonlFile(outputPath(emulator, done))).toHaveLength(10);
  });

  it('finishes at the first look after the pending period when jobDurationMs is 0', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobDurationMs: 0 });
    const name = await createFileJob(emulator, requestLines(4));
    clock.advance(300);
    expect((await getJob(emulator, name)).metadata.state).toBe('BATCH_STATE_SUCCEEDED');
  });

  it('advances jobs from the background loop without anyone polling', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock);
    emulator.startJobLoop();
    await createFileJob(emulator, requestLines(6));
    clock.advance(2000);
    await vi.waitFor(() => expect(emulator.stats().requestsProcessed).toBe(6));
  });

  it('expires a job older than expiryMs and keeps no results', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { expiryMs: 60_000, jobDurationMs: 120_000 });
    const name = await createFileJob(emulator, requestLines(10));
    clock.advance(30_000);
    expect((await getJob(emulator, name)).metadata.batchStats['successfulRequestCount']).toBe('2');
    clock.advance(30_000);
    const expired = await getJob(emulator, name);
    expect(expired.metadata.state).toBe('BATCH_STATE_EXPIRED');
    expect(expired.done).toBe(true);
    expect(expired.error?.code).toBe(4);
    expect(expired.metadata.output).toBeUndefined();
    expect(expired.response).toBeUndefined();
  });

  it('does not expire a job whose work ended before its deadline, however late it is looked at', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock);
    const name = await createFileJob(emulator, requestLines(3));
    clock.advance(72 * 3600 * 1000);
    expect((await getJob(emulator, name)).metadata.state).toBe('BATCH_STATE_SUCCEEDED');
  });

  it('keeps running after its input file is deleted', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobDurationMs: 0 });
    const name = await createFileJob(emulator, requestLines(3));
    const input = (await getJob(emulator, name)).metadata.inputConfig!.fileName;
    expect((await callJson(emulator, `/v1beta/${input}`, { method: 'DELETE', body: {} })).body).toEqual({});
    clock.advance(300);
    const done = await getJob(emulator, name);
    expect(done.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(await readJsonlFile(outputPath(emulator, done))).toHaveLength(3);
  });

  it('refuses the whole batch at create when a line is not JSON, not an object, or has a field the schema lacks', async () => {
    // One bad line refuses the batch, every bad line listed (inspect_ai#3257; spec §3.2).
    const emulator = emulatorWith(createManualClock());
    const uploaded = await uploadInProcess(
      emulator,
      [
        '{"key":"good","request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}}',
        'this is not json',
        '[1,2]',
        '{"key":"flat","request":{"contents":[{"parts":[{"text":"x"}]}],"thinking_config":{"thinking_budget":0}}}',
        '',
        '{"key":"sdk","request":{"contents":[{"parts":[{"text":"x"}]}]},"config":{}}',
      ].join('\n'),
    );
    const created = await callJson(emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
      method: 'POST',
      body: { batch: { inputConfig: { fileName: uploaded.file.name } } },
    });
    expect(created.status).toBe(400);
    const message = created.body.error?.message ?? '';
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^Error on line 2: invalid JSON, near column 1: /),
      'Error on line 3: invalid JSON, near column 1: expected an object with "key" and "request"',
      "Error on line 4: invalid JSON, near column 64: no such field: 'thinking_config'",
      "Error on line 6: invalid JSON, near column 64: no such field: 'config'",
    ]);
    expect(emulator.stats()).toMatchObject({ batchesCreated: 0, distinctKeysSubmitted: 0 });
  });

  it('writes a precise error line for each input line that fits the schema but cannot be answered', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobDurationMs: 0 });
    const name = await createFileJob(emulator, [
      '{"key":"good","request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}}',
      '{"key":7,"request":{}}',
      '{"key":"no-request"}',
      '',
      '{"request":{"contents":[{"role":"user","parts":[{"text":"keyless"}]}]}}',
    ]);
    clock.advance(300);
    const done = await getJob(emulator, name);
    expect(done.metadata.batchStats).toEqual({ requestCount: '4', successfulRequestCount: '2', failedRequestCount: '2' });
    const lines = await readJsonlFile(outputPath(emulator, done));
    const fileName = done.metadata.inputConfig!.fileName;
    expect(lines[0]).toMatchObject({ key: 'good', response: {} });
    expect(lines[1]).toEqual({ error: { code: 400, message: `${fileName} line 2: "key" must be a string, got a number` } });
    expect(lines[2]).toEqual({ key: 'no-request', error: { code: 400, message: `${fileName} line 3: "request" must be a GenerateContentRequest object, got nothing` } });
    expect(Object.keys(lines[3]!)).toEqual(['response']);
  });

  it('counts every submission of every key across batches', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock);
    await createFileJob(emulator, requestLines(3, 'dup'));
    await createFileJob(emulator, requestLines(2, 'dup'));
    const stats = emulator.stats();
    expect(stats.submissionsByKey).toEqual({ 'dup-0': 2, 'dup-1': 2, 'dup-2': 1 });
    expect(stats.distinctKeysSubmitted).toBe(3);
    expect(stats.duplicateKeySubmissions).toBe(2);
    expect(stats.batchesCreated).toBe(2);
    expect((await callJson<{ submissionsByKey: unknown }>(emulator, '/emulator/stats')).body.submissionsByKey).toEqual(stats.submissionsByKey);
  });
});
