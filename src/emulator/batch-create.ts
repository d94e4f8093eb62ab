/**
 * @module `models/{model}:batchGenerateContent`: reads the create body (camelCase or snake_case, wrapped in
 * `batch` or not), checks it precisely, links the input file into the job's folder, scans it once for the
 * request count and keys, and registers the job PENDING.
 */
import { copyFile, link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, randomId } from '../shared/index.ts';
import { storagePaths, unstartedWork, type BatchInput, type BatchRecord, type EmulatorState, type InlineRequest } from './emulator-state.ts';
import type { JobFault } from './faults.ts';
import { fileIdOf, findFile } from './file-store.ts';
import { keyOf, scanInputFile } from './input-scan.ts';
import { describeJson, field, isJsonObject, optionalObject, optionalString, type JsonObject } from './proto-json.ts';

function readInlineRequests(requests: JsonObject): InlineRequest[] {
  const where = 'batch.inputConfig.requests.requests';
  const list = field(requests, 'requests');
  if (!Array.isArray(list)) throw new InputError(where, `must be an array of {request, metadata}, got ${describeJson(list)}`);
  if (list.length === 0) throw new InputError(where, 'must hold at least one request');
  return list.map((item: unknown, index): InlineRequest => {
    if (!isJsonObject(item)) throw new InputError(`${where}[${index}]`, `must be an object with "request", got ${describeJson(item)}`);
    const request = field(item, 'request');
    if (!isJsonObject(request)) throw new InputError(`${where}[${index}].request`, `must be a GenerateContentRequest object, got ${describeJson(request)}`);
    return { request, metadata: optionalObject(item, 'metadata', `${where}[${index}]`) };
  });
}

function matchJobFault(state: EmulatorState, ordinal: number, displayName: string | undefined): JobFault | undefined {
  return state.options.faults.jobs.find(
    (rule) =>
      (rule.nth === undefined || rule.nth === ordinal) &&
      (rule.displayNameContains === undefined || (displayName ?? '').includes(rule.displayNameContains)),
  );
}

/** Counts one submission of `key`; returns how many times it has now been submitted. */
function countSubmission(state: EmulatorState, key: string): number {
  const submissions = (state.submissionsByKey.get(key) ?? 0) + 1;
  state.submissionsByKey.set(key, submissions);
  return submissions;
}

/**
 * Validates a create body and registers the job. `model` is `models/<id>`. `task` is `embed` for
 * `:asyncBatchEmbedContent` (same body shape, EmbedContentRequests inside; see model/embedding.ts).
 */
export async function createBatch(state: EmulatorState, model: string, body: unknown, task?: 'embed'): Promise<BatchRecord> {
  if (!isJsonObject(body)) throw new InputError('body', `must be a JSON object, got ${describeJson(body)}`);
  const batch = optionalObject(body, 'batch', 'body') ?? body;
  const displayName = optionalString(batch, 'displayName', 'batch');
  const inputConfig = optionalObject(batch, 'inputConfig', 'batch');
  if (inputConfig === undefined) throw new InputError('batch.inputConfig', 'is required: give inputConfig.fileName or inputConfig.requests');
  const fileName = optionalString(inputConfig, 'fileName', 'batch.inputConfig');
  const requests = optionalObject(inputConfig, 'requests', 'batch.inputConfig');
  if ((fileName === undefined) === (requests === undefined)) {
    throw new InputError('batch.inputConfig', 'must have exactly one of fileName or requests');
  }
  // Checked before anything is created, so a bad request leaves no trace.
  const inlineRequests = requests === undefined ? undefined : readInlineRequests(requests);
  const inputFile = fileName === undefined ? undefined : findFile(state, fileIdOf(fileName, 'batch.inputConfig.fileName'));

  const id = randomId(40);
  const dir = join(storagePaths(state.options.storageDir).jobs, id);
  await mkdir(dir, { recursive: true });
  const resubmissions = new Map<number, number>();
  const onKey = (key: string, index: number): void => {
    const submissions = countSubmission(state, key);
    if (submissions > 1) resubmissions.set(index, submissions);
  };
  let input: BatchInput;
  let requestCount: number;
  if (inputFile !== undefined) {
    const path = join(dir, 'input.jsonl');
    // A hard link costs nothing; a copy (kernel-side, streamed) is the fallback where links are not supported.
    await link(inputFile.path, path).catch(() => copyFile(inputFile.path, path));
    input = { kind: 'file', fileName: `files/${inputFile.id}`, path };
    requestCount = await scanInputFile(path, onKey);
  } else {
    const list = inlineRequests ?? [];
    list.forEach((item, index) => {
      const key = keyOf(item.metadata);
      if (key !== undefined) onKey(key, index);
    });
    input = { kind: 'inline', requests: list };
    requestCount = list.length;
  }
  const ordinal = state.nextBatchOrdinal();
  const now = state.options.clock.now();
  const record: BatchRecord = {
    id,
    seq: state.nextSeq(),
    ordinal,
    model,
    ...(task === undefined ? {} : { task }),
    displayName,
    input,
    requestCount,
    resubmissions,
    fault: matchJobFault(state, ordinal, displayName),
    state: 'BATCH_STATE_PENDING',
    createTimeMs: now,
    updateTimeMs: now,
    endTimeMs: undefined,
    dir,
    output: undefined,
    error: undefined,
    ...unstartedWork(),
  };
  state.batches.set(id, record);
  state.counters.batchesCreated++;
  await state.saveSnapshot();
  return record;
}
