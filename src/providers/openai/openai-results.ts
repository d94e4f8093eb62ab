/**
 * @module OpenAI batch output and error lines (`{"id","custom_id","response":{"status_code","request_id","body"},
 * "error"}`, spec §10a) parsed one at a time into {@link ResultItem}s. A bad line becomes a `malformed` item, never a
 * throw. A line whose `response.status_code` is 400 or more is an error item even when its `error` is null: that is
 * how OpenAI reports a request it rejected (openai-openapi#302).
 */
import { z } from 'zod';
import { readJsonl, type ParsedLine } from '../../shared/index.ts';
import type { FinishKind, ModelResponse, ResultItem, TokenUsage } from '../batch-provider.ts';

/** How much of a bad line a `malformed` item keeps. */
const MALFORMED_RAW_MAX_CHARS = 2000;

/**
 * The status of a line failed without an HTTP answer (`error.code`, spec §10a): the request timed out (408), or
 * never ran before the window ended or the batch was cancelled (499, "client closed request": nothing was answered).
 */
const ERROR_LINE_STATUS: Readonly<Record<string, number>> = { request_timeout: 408, batch_expired: 499, batch_cancelled: 499 };

const lineSchema = z.object({
  custom_id: z.string().min(1),
  response: z.object({ status_code: z.number().int(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z.array(z.object({ function: z.object({ name: z.string(), arguments: z.string() }) })).nullish(),
          })
          .optional(),
      }),
    )
    .default([]),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().default(0),
      completion_tokens: z.number().int().nonnegative().default(0),
      total_tokens: z.number().int().nonnegative().default(0),
      prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
      completion_tokens_details: z.object({ reasoning_tokens: z.number().int().nonnegative().nullish() }).nullish(),
    })
    .nullish(),
});

const errorBodySchema = z.object({ error: z.object({ message: z.string().nullish(), code: z.string().nullish(), type: z.string().nullish() }) });

/** Parses one line of an output or error file (as {@link readJsonl} yields it) into a {@link ResultItem}. */
export function parseOpenAiResultLine(line: ParsedLine): ResultItem {
  const { lineNumber } = line;
  if (!line.ok) return malformed(lineNumber, `not valid JSON (${line.error})`, line.text);
  const parsed = lineSchema.safeParse(line.value);
  if (!parsed.success) return malformed(lineNumber, `is not a batch output line: ${z.prettifyError(parsed.error)}`, JSON.stringify(line.value));
  const { custom_id: key, response, error } = parsed.data;
  if (error !== null && error !== undefined) {
    const code = error.code ?? 'unknown';
    return { kind: 'error', key, lineNumber, error: { code: ERROR_LINE_STATUS[code] ?? 500, message: `${code}: ${error.message ?? '(no message)'}` } };
  }
  if (response === null || response === undefined) return malformed(lineNumber, 'has neither "response" nor "error"', JSON.stringify(line.value));
  if (response.status_code >= 400) {
    const body = errorBodySchema.safeParse(response.body);
    const detail = body.success ? [body.data.error.code, body.data.error.message].filter((each) => each !== null && each !== undefined).join(': ') : '';
    return { kind: 'error', key, lineNumber, error: { code: response.status_code, message: detail === '' ? `HTTP ${response.status_code}` : detail } };
  }
  const completion = completionSchema.safeParse(response.body);
  if (!completion.success) return malformed(lineNumber, `"response.body" is not a chat completion: ${z.prettifyError(completion.error)}`, JSON.stringify(line.value));
  return { kind: 'response', key, lineNumber, response: toModelResponse(completion.data, response.body) };
}

/** Streams a downloaded result file (output lines, then error lines) as {@link ResultItem}s, one per non-blank line. */
export async function* readOpenAiResults(path: string): AsyncGenerator<ResultItem> {
  for await (const line of readJsonl(path)) yield parseOpenAiResultLine(line);
}

/** OpenAI's `finish_reason` in truebatch's terms. */
function finishKind(reason: string): FinishKind {
  if (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call') return 'stop';
  if (reason === 'length') return 'max-tokens';
  return reason === 'content_filter' ? 'blocked' : 'other';
}

function finishOf(reason: string | undefined, refusal: string | undefined): Pick<ModelResponse, 'finish' | 'rawFinish' | 'finishNote'> {
  // A structured-output refusal is the model declining the request (platform.openai.com "Structured Outputs", refusals).
  if (refusal !== undefined) return { finish: 'blocked', rawFinish: reason ?? 'refusal', finishNote: `the model refused: ${refusal}` };
  if (reason === undefined) return { finish: undefined, rawFinish: undefined, finishNote: 'no choices' };
  return { finish: finishKind(reason), rawFinish: reason, finishNote: `finish_reason ${reason}` };
}

function toModelResponse(completion: z.infer<typeof completionSchema>, raw: unknown): ModelResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const usage = completion.usage;
  // completion_tokens counts the reasoning tokens too; truebatch keeps them apart, as Gemini reports them.
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  const tokenUsage: TokenUsage | undefined =
    usage === null || usage === undefined
      ? undefined
      : {
          promptTokens: usage.prompt_tokens,
          outputTokens: Math.max(0, usage.completion_tokens - reasoning),
          thoughtsTokens: reasoning,
          cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
          totalTokens: usage.total_tokens,
        };
  const call = message?.tool_calls?.[0]?.function;
  return {
    text: message?.content ?? undefined,
    ...finishOf(choice?.finish_reason ?? undefined, message?.refusal ?? undefined),
    promptBlocked: undefined,
    usage: tokenUsage,
    modelVersion: completion.model,
    ...(call === undefined ? {} : { functionCall: { name: call.name, args: parseArguments(call.arguments) } }),
    raw,
  };
}

/** A tool call's `arguments` (JSON text); text that is not JSON is kept as it is, for the judge to refuse. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function malformed(lineNumber: number, reason: string, raw: string): ResultItem {
  const kept = raw.length <= MALFORMED_RAW_MAX_CHARS ? raw : `${raw.slice(0, MALFORMED_RAW_MAX_CHARS)}…`;
  return { kind: 'malformed', lineNumber, reason: `result line ${lineNumber} ${reason}`, raw: kept };
}
