/**
 * @module `POST /v1/messages/batches`: checks the body as the API does at create (at most 256 MB and 100,000
 * requests, each `{custom_id, params}` with a `custom_id` of 1 to 64 characters of `[a-zA-Z0-9_-]`, unique in the
 * batch), writes the requests to the batch's folder one per line, and registers the batch `in_progress`. The
 * `params` are validated when each request is processed: "Validation of the params object for each message request
 * is performed asynchronously, and validation errors are returned when processing of the entire batch has ended"
 * (docs.claude.com batch-processing), so a bad params object gives an `errored` line, not a refused create. A refused
 * create leaves no batch and counts no submission.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../../shared/index.ts';
import { countSubmission } from '../batch-create.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { describeJson, isJsonObject, type JsonObject } from '../proto-json.ts';
import { ResultWriter } from '../result-writer.ts';
import { AnthropicApiError } from './errors.ts';
import { BATCH_FILES, anthropicDir, unstartedBatchWork, zeroCounts, type AnthropicBatch, type AnthropicState } from './batch-record.ts';

/** "A Message Batch is limited to either 100,000 Message requests or 256 MB in size, whichever is reached first." */
export const MAX_BATCH_REQUESTS = 100_000;
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

function invalid(message: string): AnthropicApiError {
  return new AnthropicApiError(400, message);
}

/** The 413 for a body over {@link MAX_BATCH_BYTES} (`request_too_large`, docs.claude.com "Errors"). */
export function tooLargeError(): AnthropicApiError {
  return new AnthropicApiError(413, 'Request exceeds the maximum allowed number of bytes.');
}

/**
 * A custom_id's refusal in the API's (pydantic) words: "requests.0.custom_id: String should have at most 64
 * characters" (anthropic-sdk-python#984).
 */
function customIdProblem(value: unknown, where: string): string | undefined {
  if (typeof value !== 'string') return `${where}: Input should be a valid string`;
  if (value.length === 0) return `${where}: String should have at least 1 character`;
  if (value.length > 64) return `${where}: String should have at most 64 characters`;
  if (!CUSTOM_ID.test(value)) return `${where}: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
  return undefined;
}

/** One request item, checked; throws the API's 400 for the first problem. `firstIndex` finds reused custom_ids. */
function readRequest(text: string, index: number, firstIndex: Map<string, number>): { customId: string; params: JsonObject } {
  const where = `requests.${index}`;
  if (index >= MAX_BATCH_REQUESTS) throw invalid(`requests: List should have at most ${MAX_BATCH_REQUESTS} items after validation`);
  let item: unknown;
  try {
    item = JSON.parse(text);
  } catch {
    throw new AnthropicApiError(400, `The request body is not valid JSON: ${where} cannot be parsed.`);
  }
  if (!isJsonObject(item)) throw invalid(`${where}: Input should be an object with custom_id and params, got ${describeJson(item)}`);
  for (const name of Object.keys(item)) if (name !== 'custom_id' && name !== 'params') throw invalid(`${where}.${name}: Extra inputs are not permitted`);
  const problem = customIdProblem(item['custom_id'], `${where}.custom_id`);
  if (problem !== undefined) throw invalid(problem);
  const customId = item['custom_id'] as string;
  const earlier = firstIndex.get(customId);
  if (earlier !== undefined) {
    throw invalid(`${where}.custom_id: custom_id "${customId}" is already used by requests.${earlier}: each custom_id must be unique within the Message Batch`);
  }
  firstIndex.set(customId, index);
  const params = item['params'];
  if (!isJsonObject(params)) throw invalid(`${where}.params: Input should be an object, got ${describeJson(params)}`);
  return { customId, params };
}

/** Writes the checked requests of `items` to `path`, one `{custom_id, params}` per line; returns their custom_ids. */
async function writeRequests(items: AsyncIterable<string>, path: string): Promise<string[]> {
  const writer = new ResultWriter(path);
  const firstIndex = new Map<string, number>();
  try {
    for await (const text of items) {
      const { customId, params } = readRequest(text, firstIndex.size, firstIndex);
      const writing = writer.append(JSON.stringify({ custom_id: customId, params }));
      if (writing !== undefined) await writing;
    }
  } finally {
    await writer.close();
  }
  if (firstIndex.size === 0) throw invalid('requests: List should have at least 1 item after validation, not 0');
  return [...firstIndex.keys()];
}

/**
 * Validates a create body, given as the JSON texts of its `requests` items (body-stream.ts), and registers the
 * batch; a refused create leaves nothing behind.
 */
export async function createMessageBatch(state: EmulatorState, anthropic: AnthropicState, items: AsyncIterable<string>): Promise<AnthropicBatch> {
  // Shaped like `msgbatch_013Zva2CMHLNnXjNJJKqJ2EF` (SDK examples).
  const id = `msgbatch_01${randomId(22)}`;
  const dir = join(anthropicDir(state.options.storageDir), id);
  await mkdir(dir, { recursive: true });
  let customIds: string[];
  try {
    customIds = await writeRequests(items, join(dir, BATCH_FILES.requests));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const resubmissions = new Map<number, number>();
  customIds.forEach((customId, index) => {
    const submissions = countSubmission(state, customId);
    if (submissions > 1) resubmissions.set(index, submissions);
  });
  const ordinal = ++anthropic.issuedOrdinal;
  const batch: AnthropicBatch = {
    id,
    seq: state.nextSeq(),
    ordinal,
    requestCount: customIds.length,
    resubmissions,
    fault: state.options.faults.anthropic.batches.find((rule) => rule.nth === undefined || rule.nth === ordinal),
    status: 'in_progress',
    createdAtMs: state.options.clock.now(),
    cancelInitiatedAtMs: undefined,
    endedAtMs: undefined,
    counts: zeroCounts(),
    dir,
    ...unstartedBatchWork(),
  };
  anthropic.batches.set(id, batch);
  anthropic.counters.batchesCreated++;
  await state.saveSnapshot();
  return batch;
}
