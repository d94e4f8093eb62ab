/**
 * @module The message batch lifecycle as a function of clock time, like Gemini jobs (job-runner.ts): `in_progress`
 * with `(elapsed - pendingMs) / jobDurationMs` of the requests answered by the simulated model, then `ended`. A
 * cancel makes it `canceling` for `pendingMs`, then `ended` with the unanswered requests `canceled` (answers already
 * made are kept: stdapi-ai#60). At `expires_at` (24 h) the unanswered requests are `expired`; a batch fault can
 * expire it early or keep it from progressing. When it ends, the results file is written in a seeded shuffled
 * order ("Results are not guaranteed to be in the same order as requests", SDK batches.ts). Batches advance when
 * observed and from the background loop, each time for a bounded number of requests and slice of clock time.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, errorMessage, isBlankLine, readLinesFrom, type OffsetLine } from '../../shared/index.ts';
import { answerRequest } from '../batch-lines.ts';
import { documentReaderOf } from '../document-reading.ts';
import { countTokens } from '../model/index.ts';
import { withBatchLock, type EmulatorState } from '../emulator-state.ts';
import { OBSERVE_BUDGET_LINES, OBSERVE_MIN_LINES, OBSERVE_SLICE_MS } from '../job-runner.ts';
import { planOutput, writePlannedFile } from '../output-faults.ts';
import { ResultWriter } from '../result-writer.ts';
import { BATCH_EXPIRY_MS, BATCH_FILES, type AnthropicBatch, type AnthropicState, type ResultType } from './batch-record.ts';
import { AnthropicApiError, anthropicErrorBody, errorTypeForStatus, type AnthropicErrorType } from './errors.ts';
import { messageOf } from './message-answer.ts';
import { usePromptCache, type CachePrefix, type CacheUse } from './prompt-cache.ts';
import { translateParams } from './request-translation.ts';

/** Advances message batches. */
export interface AnthropicRunner {
  /** Brings one batch towards the clock (a bounded number of requests). */
  observe(batch: AnthropicBatch): Promise<void>;
  /** Brings every live batch up to the clock; true if due work is left. */
  advanceAll(budget: number): Promise<boolean>;
  /** Works for about `sliceMs` of clock time on the oldest batches first; true if due work is left. */
  advanceSlice(sliceMs: number): Promise<boolean>;
  /** Starts canceling a batch that is `in_progress`; any other is left as it is. */
  cancel(batch: AnthropicBatch): Promise<void>;
  /** Deletes an ended batch and its folder; one still processing is refused (400). */
  remove(batch: AnthropicBatch): Promise<void>;
  /** Closes every batch's open files. */
  closeAll(): Promise<void>;
}

interface StepLimits {
  lines: number;
  minLines: number;
  deadline: number;
}

/** One result line's `result` and its type. */
type LineResult = { type: ResultType; result: Record<string, unknown> };

function errored(type: AnthropicErrorType, message: string): LineResult {
  // The error is nested twice: the line's `error` is a whole ErrorResponse (curator#296; SDK MessageBatchErroredResult).
  return { type: 'errored', result: { type: 'errored', error: anthropicErrorBody(type, message, null) } };
}

/** Creates the runner for one emulator instance. */
export function createAnthropicRunner(state: EmulatorState, anthropic: AnthropicState): AnthropicRunner {
  const { clock } = state.options;
  const documents = documentReaderOf(state);
  const pathOf = (batch: AnthropicBatch, name: keyof typeof BATCH_FILES): string => join(batch.dir, BATCH_FILES[name]);

  /** Writes or reads the request's cached prefix, counted by the model's estimator with its documents read. */
  async function cacheUse(prefix: CachePrefix, model: string): Promise<CacheUse | undefined> {
    const read = await documents.read(prefix.request);
    if ('error' in read) return undefined;
    return usePromptCache(anthropic.promptCache, prefix, countTokens(prefix.request, read.documents), model, clock.now());
  }

  /** Answers one request `{custom_id, params}` with the simulated model; never throws. */
  async function answer(batch: AnthropicBatch, customId: string, params: unknown, index: number): Promise<LineResult> {
    let translated;
    try {
      translated = translateParams(params);
    } catch (error) {
      if (error instanceof InputError) return errored('invalid_request_error', error.message);
      throw error;
    }
    // The API answers an unknown model with `not_found_error` "model: <name>".
    if (!translated.model.startsWith('claude-')) return errored('not_found_error', `model: ${translated.model}`);
    const { seed, faults } = state.options;
    const reply = await answerRequest(translated.request, customId, {
      seed,
      model: translated.model,
      faults: faults.lines,
      where: `${batch.id} requests.${index}`,
      submission: batch.resubmissions.get(index) ?? 1,
      documents,
    });
    if ('error' in reply) return errored(errorTypeForStatus(reply.error.code), reply.error.message);
    const cache = translated.cache === undefined ? undefined : await cacheUse(translated.cache, translated.model);
    const message = messageOf(reply.response, translated.model, { seed, batchId: batch.id, customId }, {
      toolTokens: translated.toolTokens,
      cache,
      serverTools: translated.serverTools,
      request: translated.request,
    });
    return { type: 'succeeded', result: { type: 'succeeded', message } };
  }

  function readerOf(batch: AnthropicBatch): AsyncGenerator<OffsetLine> {
    batch.reader ??= readLinesFrom(pathOf(batch, 'requests'), batch.readOffset);
    return batch.reader;
  }

  /** The next request of the batch's file, or undefined at its end. */
  async function nextRequest(batch: AnthropicBatch): Promise<{ customId: string; params: unknown } | undefined> {
    const reader = readerOf(batch);
    for (;;) {
      const next = await reader.next().catch((error: unknown) => {
        batch.reader = undefined; // a failed reader is finished: the next step opens the file again
        throw error;
      });
      if (next.done === true) {
        batch.reader = undefined;
        return undefined;
      }
      batch.readOffset = next.value.end;
      if (isBlankLine(next.value.text)) continue;
      // The emulator wrote this file itself (batch-create.ts): one `{custom_id, params}` per line.
      const item = JSON.parse(next.value.text) as { custom_id: string; params: unknown };
      return { customId: item.custom_id, params: item.params };
    }
  }

  async function append(batch: AnthropicBatch, customId: string, line: LineResult): Promise<void> {
    const writer = (batch.writer ??= new ResultWriter(pathOf(batch, 'partial')));
    batch.offsets.push(writer.bytes);
    const writing = writer.append(JSON.stringify({ custom_id: customId, result: line.result }));
    if (writing !== undefined) await writing;
    batch.counts[line.type]++;
  }

  async function processUpTo(batch: AnthropicBatch, target: number, limits: StepLimits): Promise<void> {
    const mayStopAt = batch.processed + limits.minLines;
    while (batch.processed < target) {
      const request = await nextRequest(batch);
      if (request === undefined) break;
      let line: LineResult;
      try {
        line = await answer(batch, request.customId, request.params, batch.processed);
      } catch (error) {
        line = errored('api_error', `the simulated model failed: ${errorMessage(error)}`);
      }
      await append(batch, request.customId, line);
      batch.processed++;
      state.counters.requestsProcessed++;
      if (batch.processed >= mayStopAt && clock.now() >= limits.deadline) break;
    }
  }

  /** Ends the batch: unanswered requests get `rest` lines, the results file is written (shuffled), the batch `ended`. */
  async function finish(batch: AnthropicBatch, rest: 'expired' | 'canceled', endedAtMs: number): Promise<void> {
    for (let request = await nextRequest(batch); request !== undefined; request = await nextRequest(batch)) {
      await append(batch, request.customId, { type: rest, result: { type: rest } });
    }
    const writer = (batch.writer ??= new ResultWriter(pathOf(batch, 'partial')));
    await writer.close();
    const { seed, faults } = state.options;
    const plan = planOutput(
      batch.offsets.length,
      { shuffle: !faults.anthropic.resultsInOrder, duplicateKeys: 0, missingKeys: 0, unknownKeys: 0 },
      `${seed}:anthropic-results:${batch.ordinal}`,
    );
    await writePlannedFile({
      partialPath: writer.path,
      offsets: batch.offsets,
      partialSize: writer.bytes,
      plan,
      finalPath: pathOf(batch, 'results'),
      inventedLine: () => '',
    });
    await rm(writer.path, { force: true });
    batch.writer = undefined;
    batch.offsets = [];
    batch.status = 'ended';
    batch.endedAtMs = endedAtMs;
    for (const type of Object.keys(batch.counts) as ResultType[]) anthropic.counters.resultLines[type] += batch.counts[type];
    await state.saveSnapshot();
  }

  /** One step of one batch; true if requests are due that the limits did not cover. */
  /** The last request (exclusive) a batch stops at: all of them, or `afterLines` for an `expired` fault. */
  function stopLineOf(batch: AnthropicBatch): number {
    const fault = batch.fault;
    return fault?.outcome === 'expired' ? Math.min(fault.afterLines, batch.requestCount) : batch.requestCount;
  }

  /** How many requests are answered by `time` (before its expiry), by the clock alone. */
  function dueBy(batch: AnthropicBatch, time: number): number {
    const { pendingMs, jobDurationMs } = state.options;
    const runStart = batch.createdAtMs + pendingMs;
    const horizon = Math.min(time, batch.createdAtMs + BATCH_EXPIRY_MS);
    if (batch.fault?.outcome === 'stuck' || horizon < runStart) return 0;
    const due = jobDurationMs <= 0 ? batch.requestCount : Math.floor((batch.requestCount * (horizon - runStart)) / jobDurationMs);
    return Math.min(due, stopLineOf(batch));
  }

  /** One step of one batch; true if requests are due that the limits did not cover. */
  async function step(batch: AnthropicBatch, limits: StepLimits): Promise<boolean> {
    if (batch.status === 'ended') return false;
    const now = clock.now();
    const { pendingMs, jobDurationMs } = state.options;
    // A canceling batch keeps the answers due when the cancel began (a restored one makes them again), no more.
    const due = batch.status === 'canceling' ? dueBy(batch, batch.cancelInitiatedAtMs ?? now) : dueBy(batch, now);
    const target = Math.min(due, batch.processed + limits.lines);
    if (target > batch.processed) await processUpTo(batch, target, limits);
    if (batch.processed < due) return true;
    if (batch.status === 'canceling') {
      const endsAt = (batch.cancelInitiatedAtMs ?? now) + pendingMs;
      if (now >= endsAt) await finish(batch, 'canceled', endsAt);
      return false;
    }
    const runStart = batch.createdAtMs + pendingMs;
    const expiresAt = batch.createdAtMs + BATCH_EXPIRY_MS;
    const stopLine = stopLineOf(batch);
    // It ends when its last request was due, or at its expiry: the same `ended_at` however late it is observed.
    const doneAt = jobDurationMs <= 0 ? runStart : runStart + Math.ceil((jobDurationMs * stopLine) / Math.max(1, batch.requestCount));
    if (batch.processed >= stopLine) await finish(batch, 'expired', Math.min(now, doneAt));
    else if (now >= expiresAt) await finish(batch, 'expired', expiresAt);
    return false;
  }

  const live = (): AnthropicBatch[] => [...anthropic.batches.values()].filter((batch) => batch.status !== 'ended');

  return {
    observe(batch) {
      return withBatchLock(batch, async () => {
        await step(batch, { lines: OBSERVE_BUDGET_LINES, minLines: OBSERVE_MIN_LINES, deadline: clock.now() + OBSERVE_SLICE_MS });
      });
    },
    async advanceAll(budget) {
      let more = false;
      for (const batch of live()) {
        if (await withBatchLock(batch, () => step(batch, { lines: budget, minLines: 0, deadline: Infinity }))) more = true;
      }
      return more;
    },
    async advanceSlice(sliceMs) {
      const deadline = clock.now() + sliceMs;
      let more = false;
      for (const batch of live().sort((a, b) => a.seq - b.seq)) {
        const limits = { lines: Infinity, minLines: clock.now() < deadline ? 1 : 0, deadline };
        if (await withBatchLock(batch, () => step(batch, limits))) more = true;
      }
      return more;
    },
    cancel(batch) {
      return withBatchLock(batch, async () => {
        // Requests due by now are answered first: a cancel keeps what was done.
        await step(batch, { lines: Infinity, minLines: 0, deadline: Infinity });
        if (batch.status !== 'in_progress') return;
        batch.status = 'canceling';
        batch.cancelInitiatedAtMs = clock.now();
        anthropic.counters.batchesCanceled++;
        await state.saveSnapshot();
      });
    },
    remove(batch) {
      return withBatchLock(batch, async () => {
        if (batch.status !== 'ended') {
          throw new AnthropicApiError(
            400,
            `Message Batch ${batch.id} cannot be deleted while its processing_status is "${batch.status}": cancel it and wait for it to end first.`,
          );
        }
        anthropic.batches.delete(batch.id);
        anthropic.counters.batchesDeleted++;
        await rm(batch.dir, { recursive: true, force: true });
        await state.saveSnapshot();
      });
    },
    async closeAll() {
      for (const batch of anthropic.batches.values()) {
        await withBatchLock(batch, async () => {
          await batch.reader?.return(undefined);
          batch.reader = undefined;
          await batch.writer?.close();
          batch.writer = undefined;
        });
      }
    },
  };
}
