/**
 * @module Anthropic result lines, as `downloadResults` stores them: the provider's line
 * (`{"custom_id", "result": {"type": "succeeded", "message"} | {"type": "errored", "error"} | {"type": "canceled"} |
 * {"type": "expired"}}`) with truebatch's request `key` put in front. Read one at a time into {@link ResultItem}s;
 * a bad line is a `malformed` item, never a throw. Light (no SDK): the collect worker loads it.
 */
import { z } from 'zod';
import { readJsonl, type ParsedLine, isRecord } from '../../shared/index.ts';
import type { Citation, FinishKind, ModelResponse, ResultItem, TokenUsage } from '../batch-provider.ts';

/** How much of a bad line a `malformed` item keeps. */
const MALFORMED_RAW_MAX_CHARS = 2000;

/**
 * The HTTP status each Anthropic error type stands for (Anthropic's "Errors" docs), so a line's error reads like a
 * call's. `canceled` and `expired` lines have no error: 499 (the batch was cancelled) and 408 (its 24 hours ran out).
 */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};
export const CANCELED_LINE_STATUS = 499;
export const EXPIRED_LINE_STATUS = 408;

const messageSchema = z.object({
  model: z.string().optional(),
  content: z.array(
    z.looseObject({
      type: z.string(),
      text: z.string().optional(),
      name: z.string().optional(),
      input: z.unknown().optional(),
      citations: z.array(z.looseObject({ url: z.string().optional(), title: z.string().nullable().optional() })).nullable().optional(),
    }),
  ),
  stop_reason: z.string().nullable().optional(),
  usage: z
    .object({
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
      cache_read_input_tokens: z.number().int().nonnegative().nullable().optional(),
      cache_creation_input_tokens: z.number().int().nonnegative().nullable().optional(),
      output_tokens_details: z.object({ thinking_tokens: z.number().int().nonnegative() }).nullable().optional(),
    })
    .optional(),
});

/** The error of an `errored` line: an ErrorResponse `{type: "error", error: {type, message}}`, nested once more. */
const erroredSchema = z.object({
  error: z.union([
    z.object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string().optional() }) }),
    // Not seen on the wire; accepted so a flatter error still says what it was.
    z.object({ type: z.string(), message: z.string().optional() }),
  ]),
});

/** Parses one stored result line into a {@link ResultItem}. */
export function parseAnthropicResultLine(line: ParsedLine): ResultItem {
  const { lineNumber } = line;
  if (!line.ok) return malformed(lineNumber, `not valid JSON (${line.error})`, line.text);
  const raw = (): string => JSON.stringify(line.value);
  const value = line.value;
  if (!isRecord(value)) return malformed(lineNumber, 'not a JSON object', raw());
  // A line whose custom_id names no line of the job keeps the custom_id as its key: it is reported as unknown.
  const key = typeof value['key'] === 'string' ? value['key'] : value['custom_id'];
  if (typeof key !== 'string' || key === '') return malformed(lineNumber, 'has no "custom_id"', raw());
  const result = value['result'];
  if (!isRecord(result)) return malformed(lineNumber, 'has no "result" object', raw());
  switch (result['type']) {
    case 'succeeded': {
      const parsed = messageSchema.safeParse(result['message']);
      if (!parsed.success) return malformed(lineNumber, `"result.message" is invalid: ${z.prettifyError(parsed.error)}`, raw());
      return { kind: 'response', key, lineNumber, response: toModelResponse(parsed.data, result['message']) };
    }
    case 'errored': {
      const parsed = erroredSchema.safeParse(result);
      if (!parsed.success) return malformed(lineNumber, `"result.error" is invalid: ${z.prettifyError(parsed.error)}`, raw());
      const inner = 'error' in parsed.data.error ? parsed.data.error.error : parsed.data.error;
      const message = `${inner.type}: ${inner.message ?? '(no message)'}`;
      return { kind: 'error', key, lineNumber, error: { code: ERROR_STATUS[inner.type] ?? 500, message } };
    }
    case 'canceled':
      return { kind: 'error', key, lineNumber, error: { code: CANCELED_LINE_STATUS, message: 'canceled: the batch was cancelled before this request was processed' } };
    case 'expired':
      return { kind: 'error', key, lineNumber, error: { code: EXPIRED_LINE_STATUS, message: 'expired: the batch reached its 24 hours before this request was processed' } };
    default:
      return malformed(lineNumber, `has an unknown result type ${JSON.stringify(result['type'])}`, raw());
  }
}

/** Streams a stored result file as {@link ResultItem}s, one per non-blank line. */
export async function* readAnthropicResults(path: string): AsyncGenerator<ResultItem> {
  for await (const line of readJsonl(path)) yield parseAnthropicResultLine(line);
}

/** Anthropic's `stop_reason` in truebatch's terms (the Messages API's StopReason values). */
function finishKind(stopReason: string): FinishKind {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'tool_use':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max-tokens';
    case 'refusal':
      return 'blocked';
    default:
      return 'other';
  }
}

function toModelResponse(message: z.infer<typeof messageSchema>, raw: unknown): ModelResponse {
  const texts = message.content.filter((block) => block.type === 'text' && block.text !== undefined).map((block) => block.text ?? '');
  const call = message.content.find((block) => block.type === 'tool_use' && block.name !== undefined);
  const citations: Citation[] = message.content
    .flatMap((block) => block.citations ?? [])
    .filter((citation) => citation.url !== undefined)
    .map((citation) => ({ uri: citation.url, title: citation.title ?? undefined }));
  const stop = message.stop_reason ?? undefined;
  return {
    text: texts.length === 0 ? undefined : texts.join(''),
    finish: stop === undefined ? undefined : finishKind(stop),
    rawFinish: stop,
    finishNote: stop === undefined ? 'no stop_reason' : `stop_reason ${stop}`,
    promptBlocked: undefined,
    usage: message.usage === undefined ? undefined : tokenUsage(message.usage),
    modelVersion: message.model,
    ...(citations.length === 0 ? {} : { citations }),
    ...(call?.name === undefined ? {} : { functionCall: { name: call.name, args: call.input ?? {} } }),
    raw,
  };
}

/**
 * Anthropic's usage in truebatch's terms. `input_tokens` excludes cached tokens, so the prompt is input plus cache
 * reads plus cache writes; cache reads are `cachedTokens`. Thinking is part of `output_tokens` (its details say how
 * much), split out as `thoughtsTokens`; both are billed as output.
 */
export function tokenUsage(usage: NonNullable<z.infer<typeof messageSchema>['usage']>): TokenUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = usage.input_tokens + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  const thoughts = Math.min(usage.output_tokens_details?.thinking_tokens ?? 0, usage.output_tokens);
  return {
    promptTokens,
    outputTokens: usage.output_tokens - thoughts,
    thoughtsTokens: thoughts,
    cachedTokens: cacheRead,
    totalTokens: promptTokens + usage.output_tokens,
  };
}

function malformed(lineNumber: number, reason: string, raw: string): ResultItem {
  const kept = raw.length <= MALFORMED_RAW_MAX_CHARS ? raw : `${raw.slice(0, MALFORMED_RAW_MAX_CHARS)}…`;
  return { kind: 'malformed', lineNumber, reason: `result line ${lineNumber} ${reason}`, raw: kept };
}
