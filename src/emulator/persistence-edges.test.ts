/** @module Edge cases of persistence: how the snapshot writer queues and fails, and what a restart does with lost inputs and changed fault rules. */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemError, createManualClock, type ManualClock } from '../shared/index.ts';
import type { EmulatorState, ResolvedOptions } from './emulator-state.ts';
import { createEmulator, noFaults, type Emulator, type EmulatorOptions } from './index.ts';
import { createSnapshotWriter, statePath } from './persistence.ts';
import { emptyAnthropicState } from './anthropic/batch-record.ts';
import { snapshotSchema } from './snapshot.ts';
import { zeroCounters, zeroEndpointCalls, zeroTallies } from './stats.ts';
import { callJson, createFileJob, getJob, cleanedAfterEach, requestLines, type WireOperation } from './test-support.ts';

const { tempDir, track, close: closeEmulator } = cleanedAfterEach('truebatch-persist-edges-test-');

/**
 * A bare persisting state over `storageDir` for the writer alone, and how many snapshots were taken of it
 * (`snapshotOf` reads `issued` once per snapshot, so each read is one write started).
 */
function writerState(storageDir: string): { state: EmulatorState; snapshotsTaken: () => number } {
  const options: ResolvedOptions = {
    apiKey: undefined,
    seed: 0,
    clock: createManualClock(),
    jobDurationMs: 0,
    pendingMs: 0,
    expiryMs: 1000,
    faults: noFaults,
    storageDir,
    persist: true,
    basePath: '',
    fileQuotaBytes: 1024,
  };
  const issued = { seq: 0, ordinal: 0 };
  let taken = 0;
  const state: EmulatorState = {
    options,
    files: new Map(),
    uploads: new Map(),
    batches: new Map(),
    caches: new Map(),
    anthropic: emptyAnthropicState(),
    counters: zeroCounters(),
    tallies: zeroTallies(),
    endpointCalls: zeroEndpointCalls(),
    submissionsByKey: new Map(),
    get issued() {
      taken++;
      return issued;
    },
    nextSeq: () => ++issued.seq,
    nextBatchOrdinal: () => ++issued.ordinal,
    saveSnapshot: () => Promise.resolve(),
  };
  return { state, snapshotsTaken: () => taken };
}

/** The request keys the snapshot on disk knows. */
function keysOnDisk(storageDir: string): string[] {
  const snapshot = snapshotSchema.parse(JSON.parse(readFileSync(statePath(storageDir), 'utf8')));
  return snapshot.submissionsByKey.map(([key]) => key);
}

describe('the snapshot writer', () => {
  it('shares one write among queued calls and resolves each call only once its change is on disk', async () => {
    const dir = tempDir();
    const { state, snapshotsTaken } = writerState(dir);
    const save = createSnapshotWriter(state);
    const landed: Promise<boolean>[] = [];
    const changeAndSave = (key: string): void => {
      state.submissionsByKey.set(key, 1);
      landed.push(save().then(() => keysOnDisk(dir).includes(key)));
    };
    changeAndSave('a');
    changeAndSave('b');
    changeAndSave('c');
    // Let the first write take its snapshot; it then waits on the disk, which microtasks alone never let finish.
    for (let tick = 0; tick < 10 && snapshotsTaken() === 0; tick++) await Promise.resolve();
    expect(snapshotsTaken()).toBe(1);
    // Changes made while that write is in flight are not in its snapshot: they need (and share) the next one.
    changeAndSave('d');
    changeAndSave('e');
    expect(await Promise.all(landed)).toEqual([true, true, true, true, true]);
    expect(snapshotsTaken()).toBe(2);
    expect(keysOnDisk(dir)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(existsSync(`${statePath(dir)}.tmp`)).toBe(false);
  });

  it('fails with a FilesystemError naming state.json, and a later save succeeds once the cause is gone', async () => {
    const dir = tempDir();
    const { state } = writerState(dir);
    const save = createSnapshotWriter(state);
    const temp = `${statePath(dir)}.tmp`;
    mkdirSync(temp);
    state.submissionsByKey.set('first', 1);
    const failed = save();
    await expect(failed).rejects.toThrow(FilesystemError);
    await expect(failed).rejects.toThrow(`cannot save the emulator's state to ${statePath(dir)}`);
    expect(existsSync(statePath(dir))).toBe(false);

    rmSync(temp, { recursive: true });
    state.submissionsByKey.set('second', 1);
    await save();
    expect(keysOnDisk(dir)).toEqual(['first', 'second']);
    expect(existsSync(temp)).toBe(false);
  });
});

function emulatorAt(clock: ManualClock, storageDir: string, faults: EmulatorOptions['faults'] = {}): Emulator {
  const emulator = createEmulator({ pendingMs: 100, jobDurationMs: 1000, clock, storageDir, persist: true, faults });
  return track(emulator);
}

async function runToEnd(emulator: Emulator, clock: ManualClock, name: string): Promise<WireOperation> {
  clock.advance(2000);
  let job = await getJob(emulator, name);
  for (let look = 0; look < 20 && job.done !== true; look++) job = await getJob(emulator, name);
  return job;
}

const idOf = (name: string): string => name.slice('batches/'.length);

describe('restoring a live file-input batch whose input was removed while no emulator ran', () => {
  it('brings it back FAILED with a message naming the missing input, in get and list', async () => {
    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir);
    const running = await createFileJob(first, requestLines(10, 'run'), 'running');
    clock.advance(100 + 500);
    expect((await getJob(first, running)).metadata.state).toBe('BATCH_STATE_RUNNING');
    const pending = await createFileJob(first, requestLines(10, 'pend'), 'pending');
    expect((await getJob(first, pending)).metadata.state).toBe('BATCH_STATE_PENDING');
    await closeEmulator(first);
    // One job loses only its input (its half output stays), the other its whole folder.
    rmSync(join(dir, 'jobs', idOf(running), 'input.jsonl'));
    expect(readdirSync(join(dir, 'jobs', idOf(running)))).toContain('output.partial.jsonl');
    rmSync(join(dir, 'jobs', idOf(pending)), { recursive: true });

    const second = emulatorAt(clock, dir);
    for (const name of [running, pending]) {
      const job = await getJob(second, name);
      expect(job.done).toBe(true);
      expect(job.metadata.state).toBe('BATCH_STATE_FAILED');
      expect(job.error?.code).toBe(13);
      expect(job.error?.message).toContain(`its input ${join(dir, 'jobs', idOf(name), 'input.jsonl')} disappeared`);
      // Time passing does not revive it.
      expect((await runToEnd(second, clock, name)).metadata.state).toBe('BATCH_STATE_FAILED');
    }
    const listed = (await callJson(second, '/v1beta/batches?pageSize=100')).body.operations ?? [];
    const states = Object.fromEntries(listed.map((job) => [job.name, job.metadata.state]));
    expect(states).toEqual({ [running]: 'BATCH_STATE_FAILED', [pending]: 'BATCH_STATE_FAILED' });
    expect(readdirSync(join(dir, 'jobs'))).toEqual([]);
    // The failure is saved at once: a later emulator (with a stray temp folder in the way) finds it as it was.
    const endOf = async (emulator: Emulator): Promise<unknown> => (await getJob(emulator, running)).metadata.endTime;
    const firstEnd = await endOf(second);
    await closeEmulator(second);
    mkdirSync(join(dir, 'state.json.tmp'));
    clock.advance(60_000);
    const third = emulatorAt(clock, dir);
    expect(await endOf(third)).toBe(firstEnd);
  });
});

describe('a job fault rule that changed in the config between two emulators', () => {
  it('leaves restored batches with the rule they were created with, and applies the new rules to new batches only', async () => {
    const doomed = { displayNameContains: 'doomed', outcome: 'failed', afterLines: 2 } as const;
    const kept = { displayNameContains: 'kept', outcome: 'failed', afterLines: 3 } as const;
    const clock = createManualClock();
    const dir = tempDir();
    const first = emulatorAt(clock, dir, { jobs: [doomed, kept] });
    const doomedJob = await createFileJob(first, requestLines(6, 'doomed'), 'doomed');
    const keptJob = await createFileJob(first, requestLines(6, 'kept'), 'kept');
    const plainJob = await createFileJob(first, requestLines(6, 'plain'), 'plain');
    await closeEmulator(first);

    // The doomed rule now says stuck, a new rule matches "plain", and the kept rule moved to another index.
    const second = emulatorAt(clock, dir, {
      jobs: [
        { displayNameContains: 'plain', outcome: 'failed', afterLines: 1 },
        { displayNameContains: 'doomed', outcome: 'stuck' },
        kept,
      ],
    });
    const restoredDoomed = await runToEnd(second, clock, doomedJob);
    expect(restoredDoomed.metadata.state).toBe('BATCH_STATE_FAILED');
    expect(restoredDoomed.error?.message).toBe('Batch job failed after 2 of 6 requests (a fault rule no longer in the config).');
    const restoredKept = await runToEnd(second, clock, keptJob);
    expect(restoredKept.metadata.state).toBe('BATCH_STATE_FAILED');
    // A rule still in the config is named by its index there.
    expect(restoredKept.error?.message).toBe('Batch job failed after 3 of 6 requests (emulator fault jobs[2]).');
    const restoredPlain = await runToEnd(second, clock, plainJob);
    expect(restoredPlain.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(restoredPlain.metadata.batchStats).toEqual({ requestCount: '6', successfulRequestCount: '6' });

    // The new config is in force for batches created now.
    const fresh = await runToEnd(second, clock, await createFileJob(second, requestLines(6, 'fresh'), 'plain again'));
    expect(fresh.error?.message).toBe('Batch job failed after 1 of 6 requests (emulator fault jobs[0]).');
  });
});
