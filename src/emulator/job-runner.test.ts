import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock, type Clock } from '../shared/index.ts';
import { createEmulator, type Emulator } from './index.ts';
import { OBSERVE_MIN_LINES } from './job-runner.ts';
import { createFileJob, getJob, outputPath, readJsonlFile, requestLines } from './test-support.ts';

const open: Emulator[] = [];
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close();
});

/** A clock that moves 1 ms each time it is read, so work that reads it runs out of time deterministically. */
function tickingClock(): Clock {
  const manual = createManualClock();
  return {
    now: () => {
      manual.advance(1);
      return manual.now();
    },
    sleep: (ms) => manual.sleep(ms),
  };
}

function emulatorOn(clock: Clock): Emulator {
  const emulator = createEmulator({ clock, pendingMs: 0, jobDurationMs: 0 });
  open.push(emulator);
  return emulator;
}




describe('job runner time slices', () => {
  it('works on a big job for a short slice per look, and the slices add up to the same output', async () => {
    const emulator = emulatorOn(tickingClock());
    const lines = requestLines(300, 'big');
    // Blank lines between requests: reading resumes mid-file at every slice and still numbers lines right.
    const name = await createFileJob(emulator, [...lines.slice(0, 150), '', ...lines.slice(150), '{"key":"bad"}'], 'big');

    const first = await getJob(emulator, name);
    const processed = Number(first.metadata.batchStats['successfulRequestCount'] ?? '0');
    expect(first.metadata.state).toBe('BATCH_STATE_RUNNING');
    expect(processed).toBeGreaterThanOrEqual(OBSERVE_MIN_LINES);
    expect(processed).toBeLessThan(301);

    let done = first;
    for (let look = 0; look < 50 && done.done !== true; look++) done = await getJob(emulator, name);
    expect(done.metadata.state).toBe('BATCH_STATE_SUCCEEDED');
    expect(done.metadata.batchStats).toEqual({ requestCount: '301', successfulRequestCount: '300', failedRequestCount: '1' });
    const output = await readJsonlFile(outputPath(emulator, done));
    expect(output.map((line) => line['key'])).toEqual([...Array.from({ length: 300 }, (_, index) => `big-${index}`), 'bad']);
    const fileName = done.metadata.inputConfig!.fileName;
    expect(output[300]).toEqual({ key: 'bad', error: { code: 400, message: `${fileName} line 302: "request" must be a GenerateContentRequest object, got nothing` } });
  });

  it('still ends a small job at the first look when the clock moves', async () => {
    const emulator = emulatorOn(tickingClock());
    const name = await createFileJob(emulator, requestLines(OBSERVE_MIN_LINES, 'small'), 'small');
    expect((await getJob(emulator, name)).metadata.state).toBe('BATCH_STATE_SUCCEEDED');
  });

  it('has the background loop finish the oldest job first, however small the later one', async () => {
    const emulator = emulatorOn(tickingClock());
    const big = await createFileJob(emulator, requestLines(400, 'first'), 'first');
    const small = await createFileJob(emulator, requestLines(5, 'second'), 'second');
    emulator.startJobLoop();
    await vi.waitFor(() => expect(emulator.stats().requestsProcessed).toBe(405));
    const [bigDone, smallDone] = [await getJob(emulator, big), await getJob(emulator, small)];
    expect([bigDone.metadata.state, smallDone.metadata.state]).toEqual(['BATCH_STATE_SUCCEEDED', 'BATCH_STATE_SUCCEEDED']);
    expect(bigDone.metadata.endTime! < smallDone.metadata.endTime!).toBe(true);
  });
});
