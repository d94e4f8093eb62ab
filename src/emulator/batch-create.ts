/**
 * @module `models/{model}:batchGenerateContent`: reads the create body (camelCase or snake_case, wrapped in
 * `batch` or not), checks it precisely, validates every request against the REST schema (inline requests, or the
 * input file's lines scanned once, streamed, for the request count and keys too), links the input file into the
 * job's folder, and registers the job PENDING. A refused create leaves no job and counts no submission.
 */
import { copyFile, link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, randomId } from '../shared/index.ts';
import { GoogleApiError } from './api-errors.ts';
import { storagePaths, unstartedWork, type BatchInput, type BatchRecord, type EmulatorState, type InlineRequest } from './emulator-state.ts';
import type { JobFault } from './faults.ts';
import { fileIdOf, findFile } from './file-store.ts';
import { keyOf, scanInputFile } from './input-scan.ts';
import { requireKnownModel, unknownModelError } from './model-catalogue.ts';
import { inlinedRequestViolation } from './request-schema.ts';
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

/**
 * Refuses the create when an inline request does not fit the REST schema, in the real service's words for an
 * unknown field (python-genai#1103, #1451; java-genai#446): `Invalid JSON payload received. Unknown name
 * "thinkingConfig" at 'batch.input_config.requests.requests[0].request.generation_config': Cannot find field.`,
 * one sentence per bad request joined by newlines, each also a `google.rpc.BadRequest` field violation.
 */
function checkInlineRequests(list: readonly JsonObject[]): void {
  const violations: { field: string; description: string }[] = [];
  list.forEach((item, index) => {
    const found = inlinedRequestViolation(item, `batch.input_config.requests.requests[${index}]`);
    if (found === undefined) return;
    const description =
      found.kind === 'unknown-field'
        ? `Invalid JSON payload received. Unknown name "${found.field}" at '${found.parent}': Cannot find field.`
        : `Invalid JSON payload received. Expected an object for "${found.field}" at '${found.parent}'.`;
    violations.push({ field: found.parent, description });
  });
  if (violations.length === 0) return;
  throw new GoogleApiError(400, violations.map((violation) => violation.description).join('\n'), [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
  ]);
}

/** The create refusals a job fault scripts (spec §3.2): the same answers the real checks give. */
function scriptedRefusal(fault: JobFault | undefined, model: string, apiVersion: string): GoogleApiError | undefined {
  switch (fault?.outcome) {
    case 'refused-bad-line':
      return new GoogleApiError(400, `Error on line ${fault.line}: invalid JSON, near column 1: no such field: '${fault.field}'`);
    case 'refused-unknown-model':
      return unknownModelError(model, apiVersion, 'batchGenerateContent');
    case 'refused-oversized':
      return oversizedBodyError();
    default:
      return undefined;
  }
}

/** `models/gemini-2.5-flash` → `gemini-2.5-flash`. */
function bareModelId(model: string): string {
  return model.replace(/^models\//, '');
}

function matchJobFault(state: EmulatorState, ordinal: number, displayName: string | undefined): JobFault | undefined {
  return state.options.faults.jobs.find(
    (rule) =>
      (rule.nth === undefined || rule.nth === ordinal) &&
      (rule.displayNameContains === undefined || (displayName ?? '').includes(rule.displayNameContains)),
  );
}

/** Counts one submission of `key` (a Gemini key or an Anthropic custom_id); returns how many times it has now been submitted. */
export function countSubmission(state: EmulatorState, key: string): number {
  const submissions = (state.submissionsByKey.get(key) ?? 0) + 1;
  state.submissionsByKey.set(key, submissions);
  return submissions;
}

/**
 * The 20 MB inline limit (DOC-guide; spec §6), read as 20 MiB. A larger body gets Google's front end's standard 400,
 * "Request payload size exceeds the limit: N bytes." (Gemini API with its earlier 4 MiB limit:
 * generative-ai-android#26; other Google APIs: googleworkspace/dotnet-samples#23). The batch wording is unsourced.
 */
export const MAX_CREATE_BODY_BYTES = 20 * 1024 * 1024;

/** The 400 for a create body over {@link MAX_CREATE_BODY_BYTES}. */
export function oversizedBodyError(): GoogleApiError {
  return new GoogleApiError(400, `Request payload size exceeds the limit: ${MAX_CREATE_BODY_BYTES} bytes.`);
}

/**
 * Where a create goes: `models/<id>`, the API version it was called under (for the 404's wording), and `task`:
 * `embed` for `:asyncBatchEmbedContent` (same body shape, EmbedContentRequests inside; see model/embedding.ts).
 */
export interface CreateTarget {
  model: string;
  apiVersion: string;
  task?: 'embed' | undefined;
}

/** Validates a create body and registers the job; a refused create leaves nothing behind. */
export async function createBatch(state: EmulatorState, target: CreateTarget, body: unknown): Promise<BatchRecord> {
  const { model, task } = target;
  if (!isJsonObject(body)) throw new InputError('body', `must be a JSON object, got ${describeJson(body)}`);
  const batch = optionalObject(body, 'batch', 'body') ?? body;
  const displayName = optionalString(batch, 'displayName', 'batch');
  // Every create call is the n-th, refused or not, so a fault on the n-th refuses once and a retry goes through.
  const ordinal = state.nextBatchOrdinal();
  const fault = matchJobFault(state, ordinal, displayName);
  const refusal = scriptedRefusal(fault, bareModelId(model), target.apiVersion);
  if (refusal !== undefined) throw refusal;
  const method = task === 'embed' ? 'asyncBatchEmbedContent' : 'batchGenerateContent';
  requireKnownModel(bareModelId(model), target.apiVersion, method);
  const inputConfig = optionalObject(batch, 'inputConfig', 'batch');
  if (inputConfig === undefined) throw new InputError('batch.inputConfig', 'is required: give inputConfig.fileName or inputConfig.requests');
  const fileName = optionalString(inputConfig, 'fileName', 'batch.inputConfig');
  const requests = optionalObject(inputConfig, 'requests', 'batch.inputConfig');
  if ((fileName === undefined) === (requests === undefined)) {
    throw new InputError('batch.inputConfig', 'must have exactly one of fileName or requests');
  }
  // Checked before anything is created, so a bad request leaves no trace.
  const inlineRequests = requests === undefined ? undefined : readInlineRequests(requests);
  // readInlineRequests checked that each item is an object.
  // Embedding requests are EmbedContentRequests, checked line by line when they run (model/embedding.ts).
  if (requests !== undefined && task !== 'embed') checkInlineRequests(field(requests, 'requests') as JsonObject[]);
  const inputFile = fileName === undefined ? undefined : findFile(state, fileIdOf(fileName, 'batch.inputConfig.fileName'));
  const scanned = inputFile === undefined ? undefined : await scanInputFile(inputFile.path, { checkSchema: task !== 'embed' });
  if (scanned !== undefined && scanned.errors.length > 0) throw new GoogleApiError(400, scanned.errors.join('\n'));

  // Real batch ids are 36 lowercase alphanumerics (CB `o08hk76gv328ihxcssjsgwt3g6omtfysxi46`, js-genai#1227).
  const id = randomId(36);
  const dir = join(storagePaths(state.options.storageDir).jobs, id);
  await mkdir(dir, { recursive: true });
  const resubmissions = new Map<number, number>();
  const onKey = (key: string, index: number): void => {
    const submissions = countSubmission(state, key);
    if (submissions > 1) resubmissions.set(index, submissions);
  };
  let input: BatchInput;
  let requestCount: number;
  if (inputFile !== undefined && scanned !== undefined) {
    const path = join(dir, 'input.jsonl');
    // A hard link costs nothing; a copy (kernel-side, streamed) is the fallback where links are not supported.
    await link(inputFile.path, path).catch(() => copyFile(inputFile.path, path));
    input = { kind: 'file', fileName: `files/${inputFile.id}`, path };
    for (const { key, index } of scanned.keys) onKey(key, index);
    requestCount = scanned.count;
  } else {
    const list = inlineRequests ?? [];
    list.forEach((item, index) => {
      const key = keyOf(item.metadata);
      if (key !== undefined) onKey(key, index);
    });
    input = { kind: 'inline', requests: list };
    requestCount = list.length;
  }
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
    fault,
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
