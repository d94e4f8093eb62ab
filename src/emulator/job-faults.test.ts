import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { createEmulator, type Emulator, type FaultConfigInput } from './index.ts';
import { callJson, createFileJob, getJob, readJsonlFile, requestLines } from './test-support.ts';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

function emulatorWith(clock: ManualClock, faults: FaultConfigInput): Emulator {
  const emulator = createEmulator({ clock, faults, pendingMs: 100, jobDurationMs: 1000, expiryMs: 3_600_000 });
  open.push(emulator);
  return emulator;
}



describe('job faults', () => {
  it('fails the matching job after N lines, keeping those lines as its output', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobs: [{ displayNameContains: 'doomed', outcome: 'failed', afterLines: 3 }] });
    const doomed = await createFileJob(emulator, requestLines(10, 'doomed'), 'doomed');
    const fine = await createFileJob(emulator, requestLines(10, 'fine'), 'fine');
    clock.advance(250);
    expect((await getJob(emulator, doomed)).metadata.state).toBe('BATCH_STATE_RUNNING');
    clock.advance(150);
    const failed = await getJob(emulator, doomed);
    expect(failed.metadata.state).toBe('BATCH_STATE_FAILED');
    expect(failed.done).toBe(true);
    expect(failed.error).toEqual({ code: 13, message: 'Batch job failed after 3 of 10 requests (emulator fault jobs[0]).' });
    const output = join(emulator.storageDir, 'files', failed.metadata.output!.responsesFile!.slice('files/'.length));
    expect((await readJsonlFile(output)).map((line) => line['key'])).toEqual(['doomed-0', 'doomed-1', 'doomed-2']);
    clock.advance(1000);
    expect((await getJob(emulator, fine)).metadata.state).toBe('BATCH_STATE_SUCCEEDED');
  });

  it('expires the n-th job after N lines with no results', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobs: [{ nth: 2, outcome: 'expired', afterLines: 2 }] });
    const first = await createFileJob(emulator, requestLines(4, 'first'), 'first');
    const second = await createFileJob(emulator, requestLines(4, 'second'), 'second');
    clock.advance(2000);
    expect((await getJob(emulator, first)).metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    const expired = await getJob(emulator, second);
    expect(expired.metadata.state).toBe('BATCH_STATE_EXPIRED');
    expect(expired.error?.code).toBe(4);
    expect(expired.metadata.output).toBeUndefined();
    // The counts add up: the two lines never processed stay pending (issue #16).
    expect(expired.metadata.batchStats).toEqual({ requestCount: '4', successfulRequestCount: '2', pendingRequestCount: '2' });
  });

  it('keeps a stuck job PENDING until it is older than expiryMs, then EXPIRED', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobs: [{ outcome: 'stuck' }] });
    const stuck = await createFileJob(emulator, requestLines(3, 'stuck'), 'stuck');
    clock.advance(3_599_999);
    expect((await getJob(emulator, stuck)).metadata.state).toBe('BATCH_STATE_PENDING');
    expect((await callJson(emulator, '/v1beta/batches')).body.operations?.[0]?.metadata.state).toBe('BATCH_STATE_PENDING');
    clock.advance(1);
    expect((await getJob(emulator, stuck)).metadata.state).toBe('BATCH_STATE_EXPIRED');
    expect(emulator.stats().requestsProcessed).toBe(0);
  });

  it('cancels a stuck job while PENDING with no output', async () => {
    const clock = createManualClock();
    const emulator = emulatorWith(clock, { jobs: [{ outcome: 'stuck' }] });
    const stuck = await createFileJob(emulator, requestLines(3, 'stuck'), 'stuck');
    expect((await callJson(emulator, `/v1beta/${stuck}:cancel`, { method: 'POST', body: {} })).body).toEqual({});
    const cancelled = await getJob(emulator, stuck);
    expect(cancelled.metadata.state).toBe('BATCH_STATE_CANCELLED');
    expect(cancelled.error?.code).toBe(1);
    expect(cancelled.metadata.output).toBeUndefined();
  });
});
