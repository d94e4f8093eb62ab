/**
 * @module An OpenAI batch's life as a function of the emulator's clock, like a Gemini job's (job-runner.ts):
 * `validating` for `pendingMs`, then `failed` (validation errors, or a scripted token limit) or `in_progress` with
 * `elapsed / jobDurationMs` of the lines answered, then `finalizing` for `pendingMs` while the output and error
 * files are written, then `completed`. `cancelling` lasts `pendingMs` before `cancelled`; a batch not done 24 h
 * after creation (`completion_window`), or scripted to, ends `expired`. Cancelled and expired batches keep what
 * they answered; every request not run goes to the error file with `batch_cancelled` / `batch_expired`
 * (spec §10a; help.openai.com Batch FAQ). Lines in both files are in a seeded shuffled order (stdapi-ai#60: any order).
 */
import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, isBlankLine, readLinesFrom } from '../../shared/index.ts';
import { isJsonObject, type JsonObject } from '../proto-json.ts';
import { appendResult, resultLine, storeResults } from './batch-results.ts';
import { documentReaderOf } from '../document-reading.ts';
import { answerChatCompletion, errorAnswer } from './chat-completions.ts';
import { answerResponse } from './responses.ts';
import { isFinal, type BatchWork, type OpenAiBatchRecord, type OpenAiFileRecord, type OpenAiState } from './openai-store.ts';
import { unixSeconds } from './openai-wire.ts';

/** The completion window: a batch not done 24 h after creation expires (the only value the API accepts). */
export const COMPLETION_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Lines one observation (a get, a list, a cancel) may answer per batch. */
const OBSERVE_BUDGET_LINES = 2000;

const HIDDEN_REJECTION_MESSAGES: Readonly<Record<string, string>> = {
  context_length_exceeded:
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
};

/** The `custom_id` of an input line, or undefined when the line is not a request. */
function customIdOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) && typeof value['custom_id'] === 'string' ? value['custom_id'] : undefined;
  } catch {
    return undefined;
  }
}

/** Advances OpenAI batches. */
export interface OpenAiBatchRunner {
  /** Brings one batch towards the clock (a bounded number of lines). */
  observe(batch: OpenAiBatchRecord): Promise<void>;
  /** Works on every live batch for about `sliceMs` of clock time (Infinity: all due work); true if work is left. */
  advanceSlice(sliceMs: number): Promise<boolean>;
  /** `cancelling` now (then `cancelled`); false if the batch had already ended. */
  cancel(batch: OpenAiBatchRecord): Promise<boolean>;
  /** Closes every batch's open files. */
  closeAll(): Promise<void>;
}

/** Copies (hard-links) the input of a new batch into its folder. */
export async function linkBatchInput(state: OpenAiState, batchId: string, input: OpenAiFileRecord): Promise<{ dir: string; inputPath: string }> {
  const dir = join(state.dir, 'batches', batchId);
  await mkdir(dir, { recursive: true });
  const inputPath = join(dir, 'input.jsonl');
  await link(input.path, inputPath);
  return { dir, inputPath };
}

/** Creates the runner of one emulator's OpenAI batches. */
export function createOpenAiBatchRunner(state: OpenAiState): OpenAiBatchRunner {
  const { clock, seed } = state.emulator.options;
  const faults = (): typeof state.emulator.options.faults.openai => state.emulator.options.faults.openai;
  const documents = documentReaderOf(state.emulator);

  function workOf(batch: OpenAiBatchRecord): BatchWork {
    let work = state.work.get(batch.id);
    if (work === undefined) {
      work = { reader: undefined, processed: 0, output: undefined, errors: undefined, outputOffsets: [], errorOffsets: [], lock: Promise.resolve() };
      state.work.set(batch.id, work);
    }
    return work;
  }

  function withLock<T>(batch: OpenAiBatchRecord, task: () => Promise<T>): Promise<T> {
    const work = workOf(batch);
    const run = work.lock.then(task);
    work.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Answers one request line (validated at create) into the output or error partial. */
  async function answerLine(batch: OpenAiBatchRecord, work: BatchWork, text: string): Promise<void> {
    const request = JSON.parse(text) as JsonObject;
    const customId = String(request['custom_id']);
    const body = isJsonObject(request['body']) ? request['body'] : {};
    const submission = (state.submissionsByCustomId.get(customId) ?? 0) + 1;
    state.submissionsByCustomId.set(customId, submission);
    const { hiddenRejectionRate, hiddenRejectionCode } = faults();
    const rejected =
      batch.fault?.outcome === 'all-failed' ||
      (hiddenRejectionRate > 0 && createRng(`${seed}:openai:reject:${customId}:${submission}`).next() < hiddenRejectionRate);
    const answer = rejected
      ? errorAnswer(400, HIDDEN_REJECTION_MESSAGES[hiddenRejectionCode] ?? `The request was rejected (${hiddenRejectionCode}).`, 'messages', hiddenRejectionCode)
      : await (batch.endpoint === '/v1/responses' ? answerResponse : answerChatCompletion)(body, {
          seed,
          customId,
          submission,
          faults: state.emulator.options.faults.lines,
          created: unixSeconds(clock.now()),
          documents,
        });
    // A non-200 answer is a failed request: error file, `error: null`, the error inside `response` (openai-openapi#302).
    const ok = answer.statusCode === 200;
    await appendResult(work, ok ? 'output' : 'errors', batch, resultLine(seed, batch, customId, answer, null));
    if (ok) {
      batch.completed++;
      state.counters.linesSucceeded++;
      if (answer.usage !== undefined) {
        batch.usage.input += answer.usage.prompt;
        batch.usage.cached += answer.usage.cached;
        batch.usage.output += answer.usage.completion;
        batch.usage.reasoning += answer.usage.reasoning;
      }
    } else {
      batch.failed++;
      state.counters.linesFailed++;
      if (rejected) state.counters.linesRejected++;
    }
  }

  function readerOf(batch: OpenAiBatchRecord, work: BatchWork): AsyncGenerator<{ text: string }> {
    return (work.reader ??= readLinesFrom(batch.inputPath));
  }

  /** Answers lines until `target` requests are done or the budget runs out. */
  async function processUpTo(batch: OpenAiBatchRecord, work: BatchWork, target: number, deadline: number): Promise<void> {
    const reader = readerOf(batch, work);
    while (work.processed < target) {
      const next = await reader.next();
      if (next.done === true) {
        work.reader = undefined;
        break;
      }
      if (isBlankLine(next.value.text)) continue;
      await answerLine(batch, work, next.value.text);
      work.processed++;
      if (clock.now() >= deadline) break;
    }
  }

  /** Writes every request not run to the error file with `code` (batch_expired / batch_cancelled). */
  async function failRest(batch: OpenAiBatchRecord, work: BatchWork, code: 'batch_expired' | 'batch_cancelled'): Promise<void> {
    const message =
      code === 'batch_expired'
        ? 'This request could not be executed before the completion window expired.'
        : 'This request could not be executed before the batch was cancelled.';
    const reader = readerOf(batch, work);
    for (;;) {
      const next = await reader.next();
      if (next.done === true) break;
      if (isBlankLine(next.value.text)) continue;
      const customId = customIdOf(next.value.text);
      // A line validation refused (a batch cancelled while validating) names no request to list.
      if (customId === undefined) continue;
      await appendResult(work, 'errors', batch, resultLine(seed, batch, customId, undefined, { code, message }));
      batch.failed++;
      state.counters.linesFailed++;
      if (code === 'batch_expired') state.counters.linesExpired++;
      else state.counters.linesCancelled++;
    }
    work.reader = undefined;
  }

  async function end(batch: OpenAiBatchRecord, work: BatchWork, how: 'completed' | 'expired' | 'cancelled' | 'failed'): Promise<void> {
    const now = clock.now();
    if (how === 'expired' || how === 'cancelled') await failRest(batch, work, how === 'expired' ? 'batch_expired' : 'batch_cancelled');
    await work.reader?.return(undefined);
    work.reader = undefined;
    if (how !== 'failed') await storeResults(state, batch, work);
    batch.status = how;
    batch.times[`${how}_at`] = now;
    await state.save();
    state.work.delete(batch.id);
    await rm(batch.dir, { recursive: true, force: true });
  }

  /** One step of one batch towards the clock. */
  async function step(batch: OpenAiBatchRecord, budget: number, deadline: number): Promise<boolean> {
    if (isFinal(batch.status)) return false;
    const { pendingMs, jobDurationMs } = state.emulator.options;
    const now = clock.now();
    const work = workOf(batch);
    if (batch.status === 'cancelling') {
      if (now >= (batch.times.cancelling_at ?? now) + pendingMs) await end(batch, work, 'cancelled');
      return false;
    }
    const runStart = batch.createdAtMs + pendingMs;
    if (now < runStart) return false;
    if (batch.status === 'validating') {
      if (batch.fault?.outcome === 'token-limit') {
        const message =
          `Enqueued token limit reached for ${batch.model ?? 'the model'} in organization org-emulator. Limit: 2,000,000 enqueued tokens. ` +
          'Please try again once some in_progress batches have been completed.';
        batch.validationErrors.push({ code: 'token_limit_exceeded', message, param: null, line: null });
      }
      if (batch.validationErrors.length > 0) {
        await end(batch, work, 'failed');
        return false;
      }
      batch.status = 'in_progress';
      batch.times.in_progress_at = runStart;
      await state.save();
    }
    if (batch.status === 'finalizing') {
      if (now >= (batch.times.finalizing_at ?? now) + pendingMs) {
        batch.status = 'completed';
        batch.times.completed_at = now;
        await state.save();
      }
      return false;
    }
    const stuck = batch.fault?.outcome === 'stuck';
    const stopAt = batch.fault?.outcome === 'expired' ? Math.min(batch.fault.afterLines, batch.total) : batch.total;
    const due = stuck ? 0 : jobDurationMs <= 0 ? batch.total : Math.min(batch.total, Math.floor((batch.total * (now - runStart)) / jobDurationMs));
    const target = Math.min(due, stopAt, work.processed + budget);
    if (target > work.processed) await processUpTo(batch, work, target, deadline);
    if (work.processed >= stopAt && batch.fault?.outcome === 'expired') {
      await end(batch, work, 'expired');
      return false;
    }
    if (work.processed < batch.total && now >= batch.createdAtMs + COMPLETION_WINDOW_MS) {
      await end(batch, work, 'expired');
      return false;
    }
    if (work.processed < batch.total) return work.processed < Math.min(due, stopAt);
    await work.reader?.return(undefined);
    work.reader = undefined;
    await storeResults(state, batch, work);
    batch.status = 'finalizing';
    batch.times.finalizing_at = now;
    await state.save();
    return step(batch, 0, deadline);
  }

  return {
    observe: (batch) => withLock(batch, async () => void (await step(batch, OBSERVE_BUDGET_LINES, Infinity))),
    async advanceSlice(sliceMs) {
      const deadline = clock.now() + sliceMs;
      let more = false;
      for (const batch of [...state.batches.values()]) {
        if (isFinal(batch.status)) continue;
        if (await withLock(batch, () => step(batch, clock.now() < deadline ? Infinity : 0, deadline))) more = true;
      }
      return more;
    },
    cancel: (batch) =>
      withLock(batch, async () => {
        await step(batch, OBSERVE_BUDGET_LINES, Infinity);
        // A finalizing batch has done its work: it completes (cancel answers it unchanged).
        if (isFinal(batch.status) || batch.status === 'finalizing') return false;
        if (batch.status === 'cancelling') return true;
        batch.status = 'cancelling';
        batch.times.cancelling_at = clock.now();
        state.counters.batchesCancelled++;
        await state.save();
        await step(batch, 0, Infinity);
        return true;
      }),
    async closeAll() {
      for (const batch of [...state.batches.values()]) {
        const work = state.work.get(batch.id);
        if (work === undefined) continue;
        await withLock(batch, async () => {
          await work.reader?.return(undefined);
          for (const writer of [work.output, work.errors]) await writer?.close();
          state.work.delete(batch.id);
          if (!state.emulator.options.persist && !isFinal(batch.status)) await rm(batch.dir, { recursive: true, force: true });
        });
      }
    },
  };
}
