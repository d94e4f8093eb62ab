/**
 * @module Gemini batch result lines (`{"key":…,"response":{GenerateContentResponse}}` or `{"key":…,"error":{Status}}`)
 * parsed one at a time into {@link ResultItem}s. A bad line becomes a `malformed` item with the reason, never a throw.
 */
import { z } from 'zod';
import { readJsonl, type ParsedLine } from '../../shared/index.ts';
import type { Grounding, ModelResponse, ResultItem, TokenUsage } from '../batch-provider.ts';
import { embedModelResponse, isEmbedResponse } from './gemini-embed-results.ts';
import { geminiFinish } from './gemini-finish.ts';
import { tokenCountSchema } from './gemini-token-count.ts';
import { camelCaseKeys } from './gemini-json.ts';

/** How much of a bad line a `malformed` item keeps, so a huge broken line cannot blow up memory downstream. */
export const MALFORMED_RAW_MAX_CHARS = 2000;


const responseSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({
            parts: z
              .array(
                z.object({
                  text: z.string().optional(),
                  thought: z.boolean().optional(),
                  functionCall: z.object({ name: z.string(), args: z.unknown().optional() }).optional(),
                }),
              )
              .optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
        citationMetadata: z
          .object({ citationSources: z.array(z.object({ uri: z.string().optional(), title: z.string().optional() })).optional() })
          .optional(),
        groundingMetadata: z
          .object({
            groundingChunks: z.array(z.object({ web: z.object({ uri: z.string().optional(), title: z.string().optional() }).optional() })).optional(),
            webSearchQueries: z.array(z.string()).optional(),
            groundingSupports: z
              .array(z.object({ segment: z.object({ text: z.string().optional() }).optional(), groundingChunkIndices: z.array(z.number().int()).optional() }))
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z
    .object({
      promptTokenCount: tokenCountSchema.optional(),
      candidatesTokenCount: tokenCountSchema.optional(),
      thoughtsTokenCount: tokenCountSchema.optional(),
      cachedContentTokenCount: tokenCountSchema.optional(),
      totalTokenCount: tokenCountSchema.optional(),
    })
    .optional(),
  modelVersion: z.string().optional(),
});

/** A google.rpc.Status; `status` is the HTTP envelope's name, accepted in case a line carries it. */
const errorSchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
});

/** Parses one line of a result file (as {@link readJsonl} yields it) into a {@link ResultItem}. */
export function parseResultLine(line: ParsedLine): ResultItem {
  const { lineNumber } = line;
  if (!line.ok) return malformed(lineNumber, `not valid JSON (${line.error})`, line.text);
  const raw = (): string => JSON.stringify(line.value);
  const value = line.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return malformed(lineNumber, 'not a JSON object', raw());
  }
  const fields = new Map<string, unknown>(Object.entries(value));
  const keyValue = fields.get('key');
  if (keyValue === undefined || keyValue === null) return malformed(lineNumber, 'has no "key"', raw());
  if (typeof keyValue !== 'string' && typeof keyValue !== 'number') {
    return malformed(lineNumber, `"key" is not a string (it is ${JSON.stringify(keyValue)})`, raw());
  }
  const key = String(keyValue);
  if (key === '') return malformed(lineNumber, '"key" is empty', raw());

  // A line carrying both is treated as failed: the provider reported an error for that request.
  const errorValue = fields.get('error');
  if (errorValue !== undefined && errorValue !== null) {
    const parsed = errorSchema.safeParse(camelCaseKeys(errorValue));
    if (!parsed.success) return malformed(lineNumber, `"error" is invalid: ${z.prettifyError(parsed.error)}`, raw());
    const message = parsed.data.message ?? parsed.data.status ?? '(no message)';
    // google.rpc.Code 2 is UNKNOWN: the honest code when the line gave none.
    return { kind: 'error', key, lineNumber, error: { code: parsed.data.code ?? 2, message } };
  }
  const responseValue = fields.get('response');
  if (responseValue === undefined || responseValue === null) {
    return malformed(lineNumber, 'has neither "response" nor "error"', raw());
  }
  const read = readModelResponse(responseValue);
  return read.ok ? { kind: 'response', key, lineNumber, response: read.response } : malformed(lineNumber, read.reason, raw());
}

/** A GenerateContentResponse (or an embedding response) as a {@link ModelResponse}, or why it cannot be read. */
export function readModelResponse(value: unknown): { ok: true; response: ModelResponse } | { ok: false; reason: string } {
  if (isEmbedResponse(value)) return embedModelResponse(camelCaseKeys(value));
  const parsed = responseSchema.safeParse(camelCaseKeys(value));
  if (!parsed.success) return { ok: false, reason: `"response" is invalid: ${z.prettifyError(parsed.error)}` };
  return { ok: true, response: toModelResponse(parsed.data, value) };
}

/** Streams a downloaded result file as {@link ResultItem}s, one per non-blank line. */
export async function* readGeminiResults(path: string): AsyncGenerator<ResultItem> {
  for await (const line of readJsonl(path)) yield parseResultLine(line);
}

function toModelResponse(response: z.infer<typeof responseSchema>, raw: unknown): ModelResponse {
  const candidate = response.candidates?.[0];
  const texts = (candidate?.content?.parts ?? [])
    .filter((part) => part.thought !== true && part.text !== undefined)
    .map((part) => part.text ?? '');
  const citations = [
    ...(candidate?.citationMetadata?.citationSources ?? []),
    ...(candidate?.groundingMetadata?.groundingChunks ?? []).flatMap((chunk) => (chunk.web === undefined ? [] : [chunk.web])),
  ].map((source) => ({ uri: source.uri, title: source.title }));
  const grounding = groundingOf(candidate?.groundingMetadata);
  const call = candidate?.content?.parts?.find((part) => part.functionCall !== undefined)?.functionCall;
  const usage = response.usageMetadata;
  const tokenUsage: TokenUsage | undefined =
    usage === undefined
      ? undefined
      : {
          promptTokens: usage.promptTokenCount ?? 0,
          outputTokens: usage.candidatesTokenCount ?? 0,
          thoughtsTokens: usage.thoughtsTokenCount ?? 0,
          cachedTokens: usage.cachedContentTokenCount ?? 0,
          totalTokens: usage.totalTokenCount ?? 0,
        };
  return {
    text: texts.length === 0 ? undefined : texts.join(''),
    ...geminiFinish(candidate?.finishReason, response.promptFeedback?.blockReason),
    usage: tokenUsage,
    modelVersion: response.modelVersion,
    ...(citations.length === 0 ? {} : { citations }),
    ...(grounding === undefined ? {} : { grounding }),
    // A call without arguments (DOC-ref FunctionCall.args is optional) has the empty object as its answer.
    ...(call === undefined ? {} : { functionCall: { name: call.name, args: call.args ?? {} } }),
    raw,
  };
}

type GeminiGrounding = NonNullable<NonNullable<z.infer<typeof responseSchema>['candidates']>[number]['groundingMetadata']>;

/** Google Search grounding (spec D.2): queries, web chunks as sources, supports as answer text with chunk indexes. */
function groundingOf(metadata: GeminiGrounding | undefined): Grounding | undefined {
  if (metadata === undefined) return undefined;
  const sources = (metadata.groundingChunks ?? []).map((chunk) => ({ uri: chunk.web?.uri, title: chunk.web?.title }));
  const queries = metadata.webSearchQueries ?? [];
  if (sources.length === 0 && queries.length === 0) return undefined;
  const supports = (metadata.groundingSupports ?? []).map((support) => ({
    text: support.segment?.text ?? '',
    sources: support.groundingChunkIndices ?? [],
  }));
  return { queries, sources, supports };
}

function malformed(lineNumber: number, reason: string, raw: string): ResultItem {
  const kept = raw.length <= MALFORMED_RAW_MAX_CHARS ? raw : `${raw.slice(0, MALFORMED_RAW_MAX_CHARS)}…`;
  return { kind: 'malformed', lineNumber, reason: `result line ${lineNumber} ${reason}`, raw: kept };
}
