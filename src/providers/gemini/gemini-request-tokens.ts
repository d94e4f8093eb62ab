/**
 * @module An offline estimate of the input and output tokens of one GenerateContentRequest (camelCase or snake_case
 * keys, as in a batch input line's `request`).
 */
import { InputError, isRecord } from '../../shared/index.ts';
import { estimateTextTokens } from '../../cost/index.ts';

/** Estimated tokens of one request. `output` includes expected thinking tokens. */
export interface RequestTokenEstimate {
  input: number;
  output: number;
}

/** Tokens counted for an `inlineData` / `fileData` part: Gemini's price for one image up to 384x384 px or one PDF page. */
export const MEDIA_PART_TOKENS = 258;
/** The output guess for a request with neither a response schema nor an expectation from the caller. */
export const DEFAULT_OUTPUT_TOKENS = 1024;
/** A JSON answer is guessed at this many times the tokens of its response schema. */
export const SCHEMA_OUTPUT_MULTIPLIER = 2;

function field(record: Record<string, unknown>, camelCase: string, snakeCase: string): unknown {
  return record[camelCase] ?? record[snakeCase];
}

/** Tokens of deeply frozen values (a stage's response schema, the same in every request), counted once. */
const frozenTokens = new WeakMap<object, number>();

function isDeeplyFrozen(value: unknown): boolean {
  return typeof value !== 'object' || value === null || (Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen));
}

function jsonTokens(value: unknown): number {
  const cached = typeof value === 'object' && value !== null ? frozenTokens.get(value) : undefined;
  if (cached !== undefined) return cached;
  const json = JSON.stringify(value);
  const tokens = json === undefined ? 0 : estimateTextTokens(json);
  // Deeply frozen now means unchangeable for good, so the count stays right.
  if (typeof value === 'object' && value !== null && isDeeplyFrozen(value)) frozenTokens.set(value, tokens);
  return tokens;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function partTokens(part: unknown): number {
  if (typeof part === 'string') return estimateTextTokens(part);
  if (!isRecord(part)) return 0;
  let tokens = typeof part['text'] === 'string' ? estimateTextTokens(part['text']) : 0;
  if (field(part, 'inlineData', 'inline_data') !== undefined) tokens += MEDIA_PART_TOKENS;
  if (field(part, 'fileData', 'file_data') !== undefined) tokens += MEDIA_PART_TOKENS;
  for (const [camelCase, snakeCase] of [
    ['functionCall', 'function_call'],
    ['functionResponse', 'function_response'],
    ['executableCode', 'executable_code'],
    ['codeExecutionResult', 'code_execution_result'],
  ] as const) {
    tokens += jsonTokens(field(part, camelCase, snakeCase));
  }
  return tokens;
}

/** Tokens of a Content (`{ role, parts }`), a bare string, or an array of either. */
function contentTokens(content: unknown): number {
  if (typeof content === 'string') return estimateTextTokens(content);
  if (Array.isArray(content)) return content.reduce((sum: number, item: unknown) => sum + contentTokens(item), 0);
  if (!isRecord(content)) return 0;
  const parts = content['parts'];
  return Array.isArray(parts) ? parts.reduce((sum: number, part: unknown) => sum + partTokens(part), 0) : 0;
}

function responseSchemaOf(generationConfig: Record<string, unknown>): unknown {
  return (
    field(generationConfig, 'responseJsonSchema', 'response_json_schema') ??
    field(generationConfig, 'responseSchema', 'response_schema')
  );
}

/**
 * Estimated input and output tokens of one request, offline.
 *
 * Input: the text of `contents` and `systemInstruction` (see `estimateTextTokens`), the JSON of function calls and
 * responses, `tools` and the response schema (the model is shown the schema), and {@link MEDIA_PART_TOKENS} per media
 * part (so a multi-page PDF or a large image is under-counted). Tokens in a referenced `cachedContent` are not counted.
 *
 * Output: `options.expectedOutputTokens` when given. Otherwise a guess of {@link SCHEMA_OUTPUT_MULTIPLIER} x the
 * response schema's tokens, or {@link DEFAULT_OUTPUT_TOKENS} without a schema; plus `thinkingConfig.thinkingBudget`
 * when it is positive; capped at `maxOutputTokens` (which bounds thinking too); times `candidateCount`. Thinking that
 * the model does on its own is not guessed: calibration from real usage absorbs it.
 *
 * Throws InputError when `request` is not an object with a non-empty `contents`.
 */
export function estimateRequestTokens(
  request: unknown,
  options?: { expectedOutputTokens?: number },
): RequestTokenEstimate {
  if (!isRecord(request)) throw new InputError('request', 'must be a JSON object');
  const contents = request['contents'];
  if (!(typeof contents === 'string' || (Array.isArray(contents) && contents.length > 0))) {
    throw new InputError('request', 'contents must be a non-empty array');
  }
  const generationConfig = field(request, 'generationConfig', 'generation_config');
  const config = isRecord(generationConfig) ? generationConfig : {};
  const schema = responseSchemaOf(config);
  const schemaTokens = schema === undefined ? 0 : jsonTokens(schema);
  const tools = request['tools'];
  const input =
    contentTokens(contents) +
    contentTokens(field(request, 'systemInstruction', 'system_instruction')) +
    (tools === undefined ? 0 : jsonTokens(tools)) +
    schemaTokens;

  const expected = options?.expectedOutputTokens;
  if (expected !== undefined) {
    if (!Number.isFinite(expected) || expected < 0) {
      throw new InputError('expectedOutputTokens', `must be a non-negative number, got ${expected}`);
    }
    return { input, output: Math.ceil(expected) };
  }
  const thinking = field(config, 'thinkingConfig', 'thinking_config');
  const thinkingBudget = isRecord(thinking) ? positiveNumber(field(thinking, 'thinkingBudget', 'thinking_budget')) : undefined;
  const maxOutputTokens = positiveNumber(field(config, 'maxOutputTokens', 'max_output_tokens'));
  const candidates = positiveNumber(field(config, 'candidateCount', 'candidate_count')) ?? 1;
  const guess =
    (schema === undefined ? DEFAULT_OUTPUT_TOKENS : SCHEMA_OUTPUT_MULTIPLIER * schemaTokens) + (thinkingBudget ?? 0);
  const perCandidate = Math.min(guess, maxOutputTokens ?? Number.POSITIVE_INFINITY);
  return { input, output: Math.ceil(perCandidate) * Math.ceil(candidates) };
}
