/**
 * @module The job lifecycle as a function of clock time: PENDING for `pendingMs`, then RUNNING with
 * `elapsed / jobDurationMs` of the lines done (all at once when the duration is 0), then SUCCEEDED. Job faults
 * end it early (FAILED, EXPIRED) or keep it PENDING; any job whose work would not end within `expiryMs` of its
 * creation expires with no results. Jobs advance when observed and from the background loop.
 */
import { readLinesFrom, isBlankLine } from './line-reader.ts';
import { answerFileLine, answerRequest, type LineContext, type LineResult } from './batch-lines.ts';
import { isTerminal, withBatchLock, type BatchRecord, type EmulatorState } from './emulator-state.ts';
import { keyOf } from './input-scan.ts';
import { appendFileResult, appendInlineResult, bareModel, discardJobOutput, finishJob, openJobOutput } from './job-output.ts';

/** Lines one observation (get, list, cancel) may process per job, so a request never waits on a huge job. */
export const OBSERVE_BUDGET_LINES = 2000;

/** Advances jobs. */
export interface JobRunner {
  /** Brings one job up to the clock (at most {@link OBSERVE_BUDGET_LINES} lines). */
  observe(batch: BatchRecord): Promise<void>;
  /** Brings every live job up to the clock, at most `budget` lines each; true if due work is left. */
  advanceAll(budget: number): Promise<boolean>;
  /** Cancels a live job, keeping what it processed; a job that already ended is left as it is. */
  cancel(batch: BatchRecord): Promise<void>;
  /** Forgets a job (its output file, if any, stays). */
  remove(batch: BatchRecord): Promise<void>;
  /** Stops every job's work and closes its files. */
  closeAll(): Promise<void>;
}

function expiryError(expiryMs: number): { code: number; message: string } {
  const hours = Math.round((expiryMs / 3_600_000) * 100) / 100;
  return { code: 4, message: `Batch job expired: it was pending or running for more than ${hours} hours. No results were kept.` };
}

/** Creates the runner for one emulator instance. */
export function createJobRunner(state: EmulatorState): JobRunner {
  const { clock } = state.options;

  function lineContext(batch: BatchRecord, index: number, where: string): LineContext {
    const { seed, faults } = state.options;
    return { seed, model: bareModel(batch), faults: faults.lines, where, submission: batch.resubmissions.get(index) ?? 1 };
  }

  function count(batch: BatchRecord, result: LineResult): void {
    batch.processed++;
    if ('response' in result.answer) batch.succeeded++;
    else batch.failed++;
    state.counters.requestsProcessed++;
  }

  async function processUpTo(batch: BatchRecord, target: number): Promise<void> {
    const input = batch.input;
    if (input.kind === 'inline') {
      while (batch.processed < target) {
        const index = batch.processed;
        const item = input.requests[index];
        if (item === undefined) break;
        const key = keyOf(item.metadata);
        const answer = answerRequest(item.request, key, lineContext(batch, index, `batch.inputConfig.requests.requests[${index}]`));
        appendInlineResult(batch, { ...answer, ...(item.metadata === undefined ? {} : { metadata: item.metadata }) });
        count(batch, { key, answer });
      }
      return;
    }
    for await (const line of readLinesFrom(input.path, batch.readOffset)) {
      batch.lineNumber++;
      batch.readOffset = line.end;
      if (isBlankLine(line.text)) continue;
      const result = answerFileLine(line.text, lineContext(batch, batch.processed, `${input.fileName} line ${batch.lineNumber}`));
      await appendFileResult(batch, result);
      count(batch, result);
      if (batch.processed >= target) break;
    }
  }

  /** One step of one job; true if lines are due that the budget did not cover. */
  async function step(batch: BatchRecord, budget: number): Promise<boolean> {
    if (isTerminal(batch.state)) return false;
    const { pendingMs, jobDurationMs, expiryMs } = state.options;
    const now = clock.now();
    const runStart = batch.createTimeMs + pendingMs;
    const expiresAt = batch.createTimeMs + expiryMs;
    const stuck = batch.fault?.outcome === 'stuck';
    const ending = batch.fault?.outcome === 'failed' || batch.fault?.outcome === 'expired';
    const stopLine = ending ? Math.min(batch.fault?.afterLines ?? 0, batch.requestCount) : batch.requestCount;
    const dueAt = (time: number): number => {
      if (stuck || time < runStart) return 0;
      if (jobDurationMs <= 0) return batch.requestCount;
      return Math.min(batch.requestCount, Math.floor((batch.requestCount * (time - runStart)) / jobDurationMs));
    };
    // A job whose work ends before its deadline never expires, however late it is observed.
    const endsInTime = !stuck && runStart <= expiresAt && dueAt(expiresAt) >= stopLine;
    if (now >= expiresAt && !endsInTime) {
      await finishJob(state, batch, 'BATCH_STATE_EXPIRED', { keepResults: false, error: expiryError(expiryMs) });
      return false;
    }
    if (stuck || now < runStart) return false;
    if (batch.state === 'BATCH_STATE_PENDING') {
      openJobOutput(state, batch);
      batch.state = 'BATCH_STATE_RUNNING';
      batch.updateTimeMs = now;
    }
    const due = Math.min(dueAt(now), stopLine);
    const target = Math.min(due, batch.processed + budget);
    if (target > batch.processed) {
      await processUpTo(batch, target);
      batch.updateTimeMs = now;
    }
    if (batch.processed < stopLine) return batch.processed < due;
    const ruleIndex = batch.fault === undefined ? -1 : state.options.faults.jobs.indexOf(batch.fault);
    if (batch.fault?.outcome === 'failed') {
      const message = `Batch job failed after ${batch.processed} of ${batch.requestCount} requests (emulator fault jobs[${ruleIndex}]).`;
      await finishJob(state, batch, 'BATCH_STATE_FAILED', { keepResults: true, error: { code: 13, message } });
    } else if (batch.fault?.outcome === 'expired') {
      await finishJob(state, batch, 'BATCH_STATE_EXPIRED', { keepResults: false, error: expiryError(expiryMs) });
    } else {
      await finishJob(state, batch, 'BATCH_STATE_SUCCEEDED', { keepResults: true });
    }
    return false;
  }

  return {
    observe: (batch) => withBatchLock(batch, async () => void (await step(batch, OBSERVE_BUDGET_LINES))),
    async advanceAll(budget) {
      let more = false;
      for (const batch of [...state.batches.values()]) {
        if (isTerminal(batch.state)) continue;
        if (await withBatchLock(batch, () => step(batch, budget))) more = true;
      }
      return more;
    },
    cancel: (batch) =>
      withBatchLock(batch, async () => {
        await step(batch, OBSERVE_BUDGET_LINES);
        if (isTerminal(batch.state)) return;
        await finishJob(state, batch, 'BATCH_STATE_CANCELLED', {
          keepResults: batch.state === 'BATCH_STATE_RUNNING',
          error: { code: 1, message: 'Batch job was cancelled.' },
        });
        state.counters.batchesCancelled++;
      }),
    remove: (batch) =>
      withBatchLock(batch, async () => {
        state.batches.delete(batch.id);
        await discardJobOutput(batch);
      }),
    async closeAll() {
      for (const batch of [...state.batches.values()]) await withBatchLock(batch, () => discardJobOutput(batch));
    },
  };
}
