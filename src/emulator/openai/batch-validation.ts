/**
 * @module The `validating` step of a batch, done while the create is answered: the input file is streamed once
 * and each line checked as the spec §10a reads the Batch API's input rules ("request input" object in the API
 * reference): a JSON object with a unique string `custom_id`, `method: POST`, `url` equal to the batch
 * `endpoint`, and a `body` object naming a `model`, one model per batch; at most 50,000 requests. Problems are
 * not refused at create: the batch goes `failed` with them in `errors.data[]` (code, message, param, line) once
 * validation ends, as the real service does (litellm PR#37527: a malformed file is accepted at upload and create).
 */
import { isBlankLine, readLinesFrom } from '../../shared/index.ts';
import { isJsonObject } from '../proto-json.ts';
import type { BatchValidationError } from './openai-store.ts';

/** Requests one batch input file may hold (OpenAI Batch guide, "Rate limits"; spec §10a). */
export const MAX_BATCH_REQUESTS = 50_000;
/** `errors.data` entries kept: enough to show a pattern, bounded for a file of bad lines. */
const MAX_ERRORS = 100;

/** What validation found. */
export interface ValidationResult {
  total: number;
  model: string | null;
  errors: BatchValidationError[];
}

function lineProblem(text: string, line: number, endpoint: string): { error?: BatchValidationError; customId?: string; model?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: { code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line } };
  }
  const missing = (param: string): { error: BatchValidationError } => ({
    error: { code: 'missing_required_parameter', message: `Missing required parameter: '${param}'.`, param, line },
  });
  if (!isJsonObject(value)) return { error: { code: 'invalid_request', message: 'Each line must be a JSON object.', param: null, line } };
  const customId = value['custom_id'];
  if (typeof customId !== 'string' || customId === '') return missing('custom_id');
  if (value['method'] === undefined) return missing('method');
  if (value['method'] !== 'POST') {
    return { error: { code: 'invalid_value', message: `Invalid value: ${JSON.stringify(value['method'])}. Supported values are: 'POST'.`, param: 'method', line } };
  }
  if (value['url'] === undefined) return missing('url');
  if (value['url'] !== endpoint) {
    const message = `The URL provided for this request does not match the batch endpoint: ${JSON.stringify(value['url'])} is not '${endpoint}'.`;
    return { error: { code: 'mismatched_url', message, param: 'url', line } };
  }
  const body = value['body'];
  if (!isJsonObject(body)) return missing('body');
  const model = body['model'];
  if (typeof model !== 'string' || model === '') return missing('body.model');
  return { customId, model };
}

/** Streams `path` and checks every request line (line numbers are 1-based, blank lines counted). */
export async function validateBatchInput(path: string, endpoint: string): Promise<ValidationResult> {
  const errors: BatchValidationError[] = [];
  const seen = new Set<string>();
  const add = (error: BatchValidationError): void => void (errors.length < MAX_ERRORS && errors.push(error));
  let model: string | null = null;
  let total = 0;
  let lineNumber = 0;
  for await (const line of readLinesFrom(path)) {
    lineNumber++;
    if (isBlankLine(line.text)) continue;
    total++;
    const checked = lineProblem(line.text, lineNumber, endpoint);
    if (checked.error !== undefined) {
      add(checked.error);
      continue;
    }
    if (checked.customId !== undefined && seen.has(checked.customId)) {
      const message = `The custom_id '${checked.customId}' is a duplicate of another request's; custom_id values must be unique within a batch.`;
      add({ code: 'duplicate_custom_id', message, param: 'custom_id', line: lineNumber });
    }
    if (checked.customId !== undefined) seen.add(checked.customId);
    if (model === null && checked.model !== undefined) model = checked.model;
    else if (checked.model !== undefined && checked.model !== model) {
      add({ code: 'mismatched_model', message: `All requests in a batch must use the same model: '${checked.model}' is not '${model}'.`, param: 'body.model', line: lineNumber });
    }
  }
  if (total === 0) add({ code: 'empty_file', message: 'The batch input file is empty.', param: null, line: null });
  if (total > MAX_BATCH_REQUESTS) {
    add({ code: 'too_many_requests', message: `The batch input file has ${total} requests; a batch may have at most ${MAX_BATCH_REQUESTS}.`, param: null, line: null });
  }
  return { total, model, errors };
}
