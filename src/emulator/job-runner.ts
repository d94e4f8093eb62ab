/**
 * @module The job lifecycle as a function of clock time: PENDING for `pendingMs`, then RUNNING with
 * `elapsed / jobDurationMs` of the lines done (all at once when the duration is 0), then SUCCEEDED. Job faults
 * end it early (FAILED, EXPIRED) or keep it PENDING; any job whose work would not end within `expiryMs` of its
 * creation expires with no results. Jobs advance when observed and from the background loop, each time for a
 * bounded number of lines and a bounded slice of clock time, so requests never wait long behind line work.
 */
import { readLinesFrom, isBlankLine } from '../shared/index.ts';
import { answerFileLine, answerRequest, type LineContext, type LineResult } from './batch-lines.ts';
import { documentReaderOf } from './document-reading.ts';
import { tally } from './stats.ts';
import { cacheLookup } from './cache-store.ts';
import { isTerminal, withBatchLock, type BatchRecord, type EmulatorState } from './emulator-state.ts';
import { keyOf } from './input-scan.ts';
import { appendFileResult, appendInlineResult, bareModel, closeJobFiles, discardJobOutput, finishJob, openJobOutput } from './job-output.ts';

/** Lines one observation (get, list, cancel) may process per job, so a request never waits on a huge job. */
export const OBSERVE_BUDGET_LINES = 2000;
/** Lines one observation always may process, however long they take: a job this small ends at the first look. */
export const OBSERVE_MIN_LINES = 100;
/**
 * Clock time one observation may spend on lines past {@link OBSERVE_MIN_LINES} (a manual clock stands still, so
 * there only the line budget counts).
 */
export const OBSERVE_SLICE_MS = 5;

/**
 * How much one step may do: at most `lines` lines, and past `minLines` no new line once the clock reaches
 * `deadline` or, when it `givesWay`, once a request waits for the job.
 */
interface StepLimits {
  lines: number;
  minLines: number;
  deadline: number;
  givesWay: boolean;
}

/** Advances jobs. */
export interface JobRunner {
  /** Brings one job towards the clock (at most {@link OBSERVE_BUDGET_LINES} lines and {@link OBSERVE_SLICE_MS}). */
  observe(batch: BatchRecord): Promise<void>;
  /** Brings every live job up to the clock, at most `budget` lines each; true if due work is left. */
  advanceAll(budget: number): Promise<boolean>;
  /**
   * Works for about `sliceMs` of clock time on the oldest jobs with due lines first (so the first job's results
   * are ready first), and moves every other live job along the lifecycle; true if due work is left.
   */
  advanceSlice(sliceMs: number): Promise<boolean>;
  /** Cancels a live job, keeping what it processed; a job that already ended is left as it is. */
  cancel(batch: BatchRecord): Promise<void>;
  /** Forgets a job (its output file, if any, stays). */
  remove(batch: BatchRecord): Promise<void>;
  /** Stops every job's work and closes its files (and removes the folders of live jobs unless persisting). */
  closeAll(): Promise<void>;
}

function expiryError(expiryMs: number): { code: number; message: string } {
  const hours = Math.round((expiryMs / 3_600_000) * 100) / 100;
  return { code: 4, message: `Batch job expired: it was pending or running for more than ${hours} hours. No results were kept.` };
}

/** Creates the runner for one emulator instance. */
export function createJobRunner(state: EmulatorState): JobRunner {
  const { clock } = state.options;
  const documents = documentReaderOf(state);

  function lineContext(batch: BatchRecord, index: number, where: string): LineContext {
    const { seed, faults } = state.options;
    return {
      seed,
      model: bareModel(batch),
      faults: faults.lines,
      where,
      submission: batch.resubmissions.get(index) ?? 1,
      documents,
      caches: cacheLookup(state),
      task: batch.task,
      countFault: (kind) => tally(state.tallies.lineFaultsByKind, kind),
    };
  }

  function count(batch: BatchRecord, result: LineResult): void {
    batch.processed++;
    if ('response' in result.answer) batch.succeeded++;
    else batch.failed++;
    state.counters.requestsProcessed++;
  }

  async function processUpTo(batch: BatchRecord, target: number, limits: StepLimits): Promise<void> {
    const input = batch.input;
    const mayStopAt = batch.processed + limits.minLines;
    const outOfTime = (): boolean =>
      batch.processed >= mayStopAt && ((limits.givesWay && batch.requestsWaiting > 0) || clock.now() >= limits.deadline);
    if (input.kind === 'inline') {
      while (batch.processed < target) {
        const index = batch.processed;
        const item = input.requests[index];
        if (item === undefined) break;
        const key = keyOf(item.metadata);
        const answer = await answerRequest(item.request, key, lineContext(batch, index, `batch.inputConfig.requests.requests[${index}]`));
        appendInlineResult(batch, { ...answer, ...(item.metadata === undefined ? {} : { metadata: item.metadata }) });
        count(batch, { key, answer });
        if (outOfTime()) break;
      }
      return;
    }
    // One reader per job, kept open between steps: no re-open and no re-read of the buffered input per step.
    const reader = (batch.reader ??= readLinesFrom(input.path, batch.readOffset));
    while (batch.processed < target) {
      const next = await reader.next().catch((error: unknown) => {
        batch.reader = undefined; // a failed reader is finished: the next step opens the file again
        throw error;
      });
      if (next.done === true) {
        batch.reader = undefined;
        break;
      }
      const line = next.value;
      batch.lineNumber++;
      batch.readOffset = line.end;
      if (isBlankLine(line.text)) continue;
      const result = await answerFileLine(line.text, lineContext(batch, batch.processed, `${input.fileName} line ${batch.lineNumber}`));
      const writing = appendFileResult(batch, result);
      if (writing !== undefined) await writing;
      count(batch, result);
      if (outOfTime()) break;
    }
  }

  /** One step of one job; true if lines are due that the budget did not cover. */
  async function step(batch: BatchRecord, limits: StepLimits): Promise<boolean> {
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
    const target = Math.min(due, batch.processed + limits.lines);
    if (target > batch.processed) {
      await processUpTo(batch, target, limits);
      batch.updateTimeMs = now;
    }
    if (batch.processed < stopLine) return batch.processed < due;
    const ruleIndex = batch.fault === undefined ? -1 : state.options.faults.jobs.indexOf(batch.fault);
    // A job restored from an earlier emulator keeps its rule even when the config no longer has it.
    const rule = ruleIndex === -1 ? 'a fault rule no longer in the config' : `emulator fault jobs[${ruleIndex}]`;
    if (batch.fault?.outcome === 'failed') {
      const message = `Batch job failed after ${batch.processed} of ${batch.requestCount} requests (${rule}).`;
      await finishJob(state, batch, 'BATCH_STATE_FAILED', { keepResults: true, error: { code: 13, message } });
    } else if (batch.fault?.outcome === 'expired') {
      await finishJob(state, batch, 'BATCH_STATE_EXPIRED', { keepResults: false, error: expiryError(expiryMs) });
    } else {
      await finishJob(state, batch, 'BATCH_STATE_SUCCEEDED', { keepResults: true });
    }
    return false;
  }

  const observeLimits = (): StepLimits => ({
    lines: OBSERVE_BUDGET_LINES,
    minLines: OBSERVE_MIN_LINES,
    deadline: clock.now() + OBSERVE_SLICE_MS,
    givesWay: false,
  });

  /** Runs a request's work on a job once the job is free, asking the background loop to let go of it meanwhile. */
  function forRequest<T>(batch: BatchRecord, work: () => Promise<T>): Promise<T> {
    batch.requestsWaiting++;
    return withBatchLock(batch, () => {
      batch.requestsWaiting--;
      return work();
    });
  }

  return {
    observe: (batch) => forRequest(batch, async () => void (await step(batch, observeLimits()))),
    async advanceAll(budget) {
      let more = false;
      for (const batch of [...state.batches.values()]) {
        if (isTerminal(batch.state)) continue;
        if (await withBatchLock(batch, () => step(batch, { lines: budget, minLines: 0, deadline: Infinity, givesWay: false }))) more = true;
      }
      return more;
    },
    async advanceSlice(sliceMs) {
      const deadline = clock.now() + sliceMs;
      let more = false;
      let over = false;
      // Creation order: the oldest job gets the slice; once it is over (time is up, or a request wants the job it
      // worked on), later jobs only move along the lifecycle.
      for (const batch of [...state.batches.values()]) {
        if (isTerminal(batch.state)) continue;
        const limits: StepLimits = { lines: over ? 0 : Infinity, minLines: 1, deadline, givesWay: true };
        if (await withBatchLock(batch, () => step(batch, limits))) more = true;
        over ||= batch.requestsWaiting > 0 || clock.now() >= deadline;
      }
      return more;
    },
    cancel: (batch) =>
      forRequest(batch, async () => {
        await step(batch, observeLimits());
        if (isTerminal(batch.state)) return;
        await finishJob(state, batch, 'BATCH_STATE_CANCELLED', {
          keepResults: batch.state === 'BATCH_STATE_RUNNING',
          error: { code: 1, message: 'Batch job was cancelled.' },
        });
        state.counters.batchesCancelled++;
      }),
    remove: (batch) =>
      forRequest(batch, async () => {
        state.batches.delete(batch.id);
        await state.saveSnapshot();
        await discardJobOutput(batch);
      }),
    async closeAll() {
      // A persisting emulator keeps the folders of live jobs: the next one over the same storage runs them again.
      const close = state.options.persist ? closeJobFiles : discardJobOutput;
      for (const batch of [...state.batches.values()]) await withBatchLock(batch, () => close(batch));
    },
  };
}
