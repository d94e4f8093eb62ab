import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createManualClock, type ManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from './index.ts';
import { callJson, createFileJob, getJob, cleanedAfterEach, requestLines, textRequest, uploadInProcess, type WireBody, type WireOperation } from './test-support.ts';

const { tempDir, track, close: closeEmulator } = cleanedAfterEach('truebatch-persist-test-');

/** First submissions of a key fail, resubmissions succeed; the third job created fails after 2 lines. */
const OPTIONS: EmulatorOptions = {
  pendingMs: 100,
  jobDurationMs: 1000,
  faults: { lines: { errorRate: 1, maxSubmissionsPerKey: 1 }, jobs: [{ nth: 3, outcome: 'failed', afterLines: 2 }] },
};

function emulatorAt(clock: ManualClock, storageDir: string | undefined, persist = true): Emulator {
  const emulator = createEmulator({ ...OPTIONS, clock, ...(storageDir === undefined ? {} : { storageDir, persist }) });
  return track(emulator);
}

async function download(emulator: Emulator, fileName: string): Promise<Buffer> {
  const response = await emulator.app.request(`/v1beta/${fileName}:download`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function runToEnd(emulator: Emulator, clock: ManualClock, name: string): Promise<WireOperation> {
  clock.advance(2000);
  let job = await getJob(emulator, name);
  for (let look = 0; look < 20 && job.done !== true; look++) job = await getJob(emulator, name);
  return job;
}

const list = async (emulator: Emulator, what: 'files' | 'batches'): Promise<WireBody> => (await callJson(emulator, `/v1beta/${what}?pageSize=100`)).body;

describe('an emulator with storageDir and persist', () => {
  it('restores files, ended batches and deletions in a new emulator over the same folder', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir);
    const kept = await uploadInProcess(first, 'kept bytes\n', 'text/plain');
    const dropped = await uploadInProcess(first, 'dropped\n', 'text/plain');
    const name = await createFileJob(first, requestLines(6, 'done'), 'done-job');
    const done = await runToEnd(first, clock, name);
    expect(done.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect((await callJson(first, `/v1beta/${dropped.file.name}`, { method: 'DELETE' })).status).toBe(200);
    const files = await list(first, 'files');
    const batches = await list(first, 'batches');
    const bytes = await download(first, done.metadata.output!.responsesFile!);
    await closeEmulator(first);

    const second = emulatorAt(clock, dir);
    expect(await list(second, 'files')).toEqual(files);
    expect(await list(second, 'batches')).toEqual(batches);
    expect(files.files?.map((file) => file.name)).toContain(kept.file.name);
    expect(files.files?.map((file) => file.name)).not.toContain(dropped.file.name);
    expect(await getJob(second, name)).toEqual(done);
    expect(await download(second, done.metadata.output!.responsesFile!)).toEqual(bytes);
  });

  it('runs a job that was RUNNING at close again and produces the bytes one emulator would have', async () => {
    // The reference: one emulator, no restart. Job 2 resubmits job 1's keys, so its answers succeed.
    const refClock = createManualClock();
    const reference = emulatorAt(refClock, undefined);
    const refFirst = await runToEnd(reference, refClock, await createFileJob(reference, requestLines(40, 'k'), 'one'));
    const refSecond = await runToEnd(reference, refClock, await createFileJob(reference, requestLines(40, 'k'), 'two'));
    expect(refSecond.metadata.batchStats).toEqual({ requestCount: '40', successfulRequestCount: '40' });

    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir);
    await runToEnd(first, clock, await createFileJob(first, requestLines(40, 'k'), 'one'));
    const name = await createFileJob(first, requestLines(40, 'k'), 'two');
    clock.advance(100 + 500);
    const half = await getJob(first, name);
    expect(half.metadata.state).toBe('BATCH_STATE_RUNNING');
    expect(half.metadata.batchStats['successfulRequestCount']).toBe('20');
    const id = name.slice('batches/'.length);
    await closeEmulator(first);
    // The dead emulator's half output is still there; the restored job must not append to it.
    expect(statSync(join(dir, 'jobs', id, 'output.partial.jsonl')).size).toBeGreaterThan(0);

    const second = emulatorAt(clock, dir);
    // Redone from the first line up to where the clock says it is.
    expect((await getJob(second, name)).metadata).toMatchObject({ state: 'BATCH_STATE_RUNNING', batchStats: half.metadata.batchStats });
    const restored = await runToEnd(second, clock, name);
    expect(restored.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(restored.metadata.batchStats).toEqual(refSecond.metadata.batchStats);
    expect(await download(second, restored.metadata.output!.responsesFile!)).toEqual(
      await download(reference, refSecond.metadata.output!.responsesFile!),
    );
    expect(existsSync(join(dir, 'jobs', id))).toBe(false);
    expect(refFirst.metadata.batchStats).toEqual({ requestCount: '40', failedRequestCount: '40' });

    // Submission counts and the job ordinal carry on: a third submission, and the third job's scripted failure.
    const stats = second.stats();
    expect(stats.duplicateKeySubmissions).toBe(40);
    expect(stats.submissionsByKey['k-0']).toBe(2);
    const third = await runToEnd(second, clock, await createFileJob(second, requestLines(5, 'k'), 'three'));
    expect(third.metadata.state).toBe('BATCH_STATE_FAILED');
    expect(second.stats().submissionsByKey['k-0']).toBe(3);
  });

  it('keeps inline batches, their requests and their results', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir);
    const body = (key: string): unknown => ({ batch: { inputConfig: { requests: { requests: [{ request: textRequest('hi'), metadata: { key } }] } } } });
    const create = async (emulator: Emulator, key: string): Promise<string> =>
      (await callJson<WireOperation>(emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', { method: 'POST', body: body(key) })).body.name;
    const ended = await runToEnd(first, clock, await create(first, 'inline-a'));
    const live = await create(first, 'inline-b');
    await closeEmulator(first);

    const second = emulatorAt(clock, dir);
    expect(await getJob(second, ended.name)).toEqual(ended);
    const rerun = await runToEnd(second, clock, live);
    expect(rerun.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(rerun.metadata.output?.inlinedResponses?.inlinedResponses[0]?.metadata).toEqual({ key: 'inline-b' });
  });

  it('drops files past their expiration, with their bytes, and removes what it does not know', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir);
    const uploaded = await uploadInProcess(first, 'short-lived\n', 'text/plain');
    await closeEmulator(first);
    writeFileSync(join(dir, 'files', 'stray'), 'left by a killed process');
    expect(readdirSync(join(dir, 'files'))).toContain(uploaded.file.name.slice('files/'.length));

    clock.advance(49 * 60 * 60 * 1000);
    const second = emulatorAt(clock, dir);
    expect((await list(second, 'files')).files).toBeUndefined();
    expect(readdirSync(join(dir, 'files'))).toEqual([]);
  });
});

describe('a state.json it cannot use', () => {
  it('is a ConfigError naming the file when it is not JSON', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "files": [');
    const create = (): Emulator => createEmulator({ storageDir: dir, persist: true });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(`${join(dir, 'state.json')} is not valid JSON`);
  });

  it('is a ConfigError naming the file and the field when it is not a snapshot', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, issued: { seq: 0, ordinal: 0 }, files: [{ id: '../x' }], batches: [], submissionsByKey: [] }));
    expect(() => createEmulator({ storageDir: dir, persist: true })).toThrow(/state file .*state\.json is invalid at files\.0\.id/);
    // The unusable file is left as it was, for the user to look at.
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toMatchObject({ files: [{ id: '../x' }] });
  });

  it('needs a storageDir to persist', () => {
    expect(() => createEmulator({ persist: true })).toThrow(/persist needs a storageDir/);
  });

  it('is never written without persist', async () => {
    const dir = tempDir();
    const emulator = createEmulator({ storageDir: dir });
    await uploadInProcess(emulator, 'x\n', 'text/plain');
    await emulator.close();
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  });

  it('keeps an embedding job an embedding job across a restart (its lines are embedded, its @type says so)', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const options = { pendingMs: 100, jobDurationMs: 1000, clock, storageDir: dir, persist: true };
    const first = track(createEmulator(options));
    const body = { batch: { inputConfig: { requests: { requests: [{ request: { content: { parts: [{ text: 'soil potassium' }] }, outputDimensionality: 4 } }] } } } };
    const created = await callJson(first, '/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent', { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(200);
    const name = created.body.name ?? '';
    await closeEmulator(first);

    const second = track(createEmulator(options));
    const done = await runToEnd(second, clock, name);
    expect((done.metadata as Record<string, unknown>)['@type']).toBe('type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch');
    const [result] = (done.metadata.output?.inlinedResponses?.inlinedResponses ?? []) as { response?: { embedding?: { values: number[] } } }[];
    expect(result?.response?.embedding?.values).toHaveLength(4);
  });
});
