/**
 * @module The main thread's side of the collect worker: starts it once per collection, hands it one job's result
 * file at a time and streams back the outcomes, a batch ahead of the one being recorded. A small result file is
 * judged on this thread: starting the worker costs far more than judging a few lines.
 */
import { statSync } from 'node:fs';
import { resultReaderFor } from '../providers/registry.ts';
import { moduleBeside, WorkerBatches } from '../shared/index.ts';
import type { JudgeAsk } from './collect-worker.ts';
import { createLineJudge, type JudgeJob, type LineOutcome } from './judge-lines.ts';

/** Lines judged per request: enough to amortise a message, few enough to keep the worker's memory small. */
const LINES_PER_BATCH = 256;
/** A result file up to this size is judged on this thread. */
const IN_THREAD_BYTES = 256 * 1024;

/** Judges result files on a worker thread. Call {@link close} when done. */
export class ResultJudge {
  #worker: WorkerBatches<JudgeAsk, LineOutcome[]> | undefined;

  /**
   * The outcomes of every line of `job`'s result file, in file order, in batches. Output files of valid answers are
   * on disk before their batch is yielded; after an `unwritable` outcome nothing more comes.
   */
  async *judge(job: JudgeJob): AsyncGenerator<LineOutcome[]> {
    const size = statSync(job.resultPath, { throwIfNoEntry: false })?.size;
    if (size !== undefined && size <= IN_THREAD_BYTES) {
      yield* judgeInThread(job);
      return;
    }
    this.#worker ??= new WorkerBatches<JudgeAsk, LineOutcome[]>(moduleBeside(import.meta.url, 'collect-worker'), undefined, 'the collect worker');
    const worker = this.#worker;
    await worker.run([{ start: job }]);
    const ask = (): Promise<LineOutcome[]> => {
      const batch = worker.run([{ next: LINES_PER_BATCH }]).then(([outcomes = []]) => outcomes);
      // Handled now: the caller may stop before it awaits this batch (its own failure is thrown first).
      batch.catch(() => undefined);
      return batch;
    };
    let next = ask();
    for (;;) {
      const outcomes = await next;
      if (outcomes.length === 0) return;
      const more = outcomes.at(-1)?.kind !== 'unwritable';
      // The worker judges the next lines while the caller records these.
      if (more) next = ask();
      yield outcomes;
      if (!more) return;
    }
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    await this.#worker?.close();
    this.#worker = undefined;
  }
}

/** Judges a small result file on this thread, as the worker would (nothing after an unwritable output). */
async function* judgeInThread(job: JudgeJob): AsyncGenerator<LineOutcome[]> {
  const judge = createLineJudge(job);
  let batch: LineOutcome[] = [];
  for await (const item of resultReaderFor(job.provider)(job.resultPath)) {
    const outcome = judge(item);
    batch.push(outcome);
    if (outcome.kind === 'unwritable') break;
    if (batch.length >= LINES_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
