/** @module Tests for batches on a worker thread, with a real worker. */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerError } from './errors.ts';
import { moduleBeside, WorkerBatches } from './worker-batches.ts';

const fixture = new URL('./__fixtures__/doubling-worker.ts', import.meta.url);
let worker: WorkerBatches<number, number> | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

describe('WorkerBatches', () => {
  it('answers every batch in order, with the data it was started with, several batches in flight', async () => {
    worker = new WorkerBatches<number, number>(fixture, { factor: 3 }, 'the doubling worker');
    const answers = await Promise.all([worker.run([1, 2]), worker.run([]), worker.run([10, 20, 30])]);
    expect(answers).toEqual([[3, 6], [], [30, 60, 90]]);
  });

  it('answers batches in the order sent even when an async handler takes longer over the first', async () => {
    worker = new WorkerBatches<number, number>(fixture, { factor: 2 }, 'the doubling worker');
    const settled: string[] = [];
    const slow = worker.run([100]).then((answer) => settled.push(`slow ${answer.join()}`));
    const quick = worker.run([1]).then((answer) => settled.push(`quick ${answer.join()}`));
    await Promise.all([slow, quick]);
    expect(settled).toEqual(['slow 200', 'quick 2']);
  });

  it('rejects a batch the worker threw on with a WorkerError naming the worker, and keeps serving', async () => {
    worker = new WorkerBatches<number, number>(fixture, { factor: 2 }, 'the doubling worker');
    const failed = await worker.run([1, -5]).then(() => undefined, (error: unknown) => error);
    expect(failed).toBeInstanceOf(WorkerError);
    expect((failed as Error).message).toBe('the doubling worker failed: negative: -5');
    expect(await worker.run([4])).toEqual([8]);
  });

  it('rejects what is in flight when the thread dies, and every batch after', async () => {
    worker = new WorkerBatches<number, number>(fixture, { factor: 2 }, 'the doubling worker');
    const failed = await worker.run([13]).then(() => undefined, (error: unknown) => error);
    expect(failed).toBeInstanceOf(WorkerError);
    expect((failed as Error).message).toBe('the doubling worker exited (code 3)');
    await expect(worker.run([1])).rejects.toBe(failed);
  });

  it('refuses work once closed', async () => {
    worker = new WorkerBatches<number, number>(fixture, { factor: 2 }, 'the doubling worker');
    await worker.close();
    await expect(worker.run([1])).rejects.toThrow('the doubling worker is closed');
  });
});

describe('moduleBeside', () => {
  it('keeps the extension of the module it is called from', () => {
    expect(moduleBeside('file:///app/dist/engine/result-judge.js', 'collect-worker').href).toBe('file:///app/dist/engine/collect-worker.js');
    expect(moduleBeside('file:///app/src/engine/result-judge.ts', 'collect-worker').href).toBe('file:///app/src/engine/collect-worker.ts');
  });
});
