/**
 * @module A job's results: appended line by line while it runs (file input: to a partial JSONL on disk; inline:
 * in memory), then finalised when it ends, with output faults applied, into `files/batch-<id>` (GENERATED) or
 * the inline responses. Expired jobs keep nothing.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { outputLine, type LineResult } from './batch-lines.ts';
import type { BatchRecord, BatchState, EmulatorState, InlineResult } from './emulator-state.ts';
import { filePath, storeFile } from './file-store.ts';
import { applyPlanInline, hasOutputFaults, outputFaultsFor, planOutput, unknownKey, unknownResponse, writePlannedFile } from './output-faults.ts';
import { ResultWriter } from './result-writer.ts';

/** The MIME type of generated result files. */
const OUTPUT_MIME_TYPE = 'application/jsonl';

function partialPath(batch: BatchRecord): string {
  return join(batch.dir, 'output.partial.jsonl');
}

/** Prepares a job's result sink when it starts running. */
export function openJobOutput(state: EmulatorState, batch: BatchRecord): void {
  if (batch.input.kind === 'inline') {
    batch.inlineResults = [];
    return;
  }
  batch.writer = new ResultWriter(partialPath(batch));
  batch.outputOffsets = hasOutputFaults(outputFaultsFor(state.options.faults.output, batch.ordinal)) ? [] : undefined;
}

/** Appends one file-input result; a returned promise (the buffer being written) must settle before the next. */
export function appendFileResult(batch: BatchRecord, result: LineResult): Promise<void> | undefined {
  const writer = batch.writer;
  if (writer === undefined) return undefined;
  batch.outputOffsets?.push(writer.bytes);
  return writer.append(outputLine(result));
}

/** Appends one inline result. */
export function appendInlineResult(batch: BatchRecord, result: InlineResult): void {
  batch.inlineResults?.push(result);
}

async function finaliseFileOutput(state: EmulatorState, batch: BatchRecord, writer: ResultWriter): Promise<void> {
  await writer.close();
  const id = `batch-${batch.id}`;
  const faults = outputFaultsFor(state.options.faults.output, batch.ordinal);
  let sourcePath = partialPath(batch);
  let sizeBytes = writer.bytes;
  let sha256Hex = writer.sha256Hex();
  if (hasOutputFaults(faults)) {
    const plannedPath = join(batch.dir, 'output.planned.jsonl');
    const written = await writePlannedFile({
      partialPath: sourcePath,
      offsets: batch.outputOffsets ?? [],
      partialSize: writer.bytes,
      plan: planOutput(writer.lines, faults, `${state.options.seed}:output:${batch.ordinal}`),
      finalPath: plannedPath,
      inventedLine: (unknown) => JSON.stringify({ key: unknownKey(batch.ordinal, unknown), response: unknownResponse(bareModel(batch)) }),
    });
    sourcePath = plannedPath;
    ({ sizeBytes, sha256Hex } = written);
  }
  await rm(filePath(state, id), { force: true });
  await storeFile(state, { id, sourcePath, displayName: undefined, mimeType: OUTPUT_MIME_TYPE, sizeBytes, sha256Hex, source: 'GENERATED' });
  batch.output = { kind: 'file', fileName: `files/${id}` };
}

/** `models/gemini-2.5-flash` → `gemini-2.5-flash`. */
export function bareModel(batch: BatchRecord): string {
  return batch.model.replace(/^models\//, '');
}

/**
 * Ends a job in `finalState`. With `keepResults`, what was processed so far becomes its output (with output
 * faults); without, everything is dropped. Either way the job's working folder is removed.
 */
export async function finishJob(
  state: EmulatorState,
  batch: BatchRecord,
  finalState: BatchState,
  options: { keepResults: boolean; error?: { code: number; message: string } },
): Promise<void> {
  await closeJobInput(batch);
  const writer = batch.writer;
  batch.writer = undefined;
  if (options.keepResults && writer !== undefined) {
    await finaliseFileOutput(state, batch, writer);
  } else if (writer !== undefined) {
    await writer.close();
  }
  if (options.keepResults && batch.inlineResults !== undefined) {
    const faults = outputFaultsFor(state.options.faults.output, batch.ordinal);
    const results = batch.inlineResults;
    batch.output = {
      kind: 'inline',
      results: hasOutputFaults(faults)
        ? applyPlanInline(results, planOutput(results.length, faults, `${state.options.seed}:output:${batch.ordinal}`), (unknown) => ({
            response: unknownResponse(bareModel(batch)),
            metadata: { key: unknownKey(batch.ordinal, unknown) },
          }))
        : results,
    };
  }
  batch.inlineResults = undefined;
  batch.outputOffsets = undefined;
  const now = state.options.clock.now();
  batch.state = finalState;
  batch.updateTimeMs = now;
  batch.endTimeMs = now;
  if (options.error !== undefined) batch.error = options.error;
  // Saved before the job folder goes: a crash in between leaves a stray folder (removed on restore), not a live
  // job without its input.
  await state.saveSnapshot();
  await rm(batch.dir, { recursive: true, force: true });
}

/** Closes the job's input reader, if one is open (its file is in the job folder about to be removed). */
async function closeJobInput(batch: BatchRecord): Promise<void> {
  const reader = batch.reader;
  batch.reader = undefined;
  await reader?.return(undefined);
}

/** Closes a job's open files and drops its in-memory results, keeping its folder (a persisting shutdown). */
export async function closeJobFiles(batch: BatchRecord): Promise<void> {
  await closeJobInput(batch);
  const writer = batch.writer;
  batch.writer = undefined;
  if (writer !== undefined) await writer.close();
  batch.inlineResults = undefined;
}

/** Drops a job's working files without producing anything (delete, shutdown). */
export async function discardJobOutput(batch: BatchRecord): Promise<void> {
  await closeJobFiles(batch);
  await rm(batch.dir, { recursive: true, force: true });
}
