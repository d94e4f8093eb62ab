/**
 * @module The fake provider's result lines (`{"key","answer":{text,finishReason,usage}}` or `{"key","error":{code,
 * message}}`), written by the fake service and read back one at a time into {@link ResultItem}s. A bad line becomes a
 * `malformed` item, never a throw. Light: the collect worker loads it through the registry.
 */
import { z } from 'zod';
import { readJsonl } from '../../shared/index.ts';
import type { FinishKind, ModelResponse, ResultItem, TokenUsage } from '../batch-provider.ts';
import type { FakeAnswer } from './fake-script.ts';

/** One request line of an uploaded input file. */
export interface FakeRequestLine {
  key: string;
  request: unknown;
}

/** One answered request as the fake writes it. */
export interface FakeAnswerLine {
  key: string;
  answer: { text: string; finishReason: string; usage: Omit<TokenUsage, 'thoughtsTokens' | 'cachedTokens'> };
}

/** One failed request as the fake writes it. */
export interface FakeErrorLine {
  key: string;
  error: { code: number; message: string };
}

const usageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
const lineSchema = z.union([
  z.object({
    key: z.string().min(1),
    answer: z.object({ text: z.string(), finishReason: z.string(), usage: usageSchema }),
  }),
  z.object({ key: z.string().min(1), error: z.object({ code: z.number().int(), message: z.string() }) }),
]);

/** The fake's finish words are Gemini-like (`STOP`, `MAX_TOKENS`, `SAFETY`), so scripts read alike. */
function fakeFinishKind(finishReason: string): FinishKind {
  if (finishReason === 'STOP') return 'stop';
  if (finishReason === 'MAX_TOKENS') return 'max-tokens';
  return finishReason === 'SAFETY' ? 'blocked' : 'other';
}

/** Streams a fake result file as {@link ResultItem}s, one per non-blank line. */
export async function* readFakeResults(path: string): AsyncGenerator<ResultItem> {
  for await (const line of readJsonl(path)) {
    if (!line.ok) {
      yield { kind: 'malformed', lineNumber: line.lineNumber, reason: `result line ${line.lineNumber} is not JSON`, raw: line.text };
      continue;
    }
    const parsed = lineSchema.safeParse(line.value);
    if (!parsed.success) {
      const reason = `result line ${line.lineNumber} is invalid: ${z.prettifyError(parsed.error)}`;
      yield { kind: 'malformed', lineNumber: line.lineNumber, reason, raw: JSON.stringify(line.value) };
      continue;
    }
    const value = parsed.data;
    if ('error' in value) {
      yield { kind: 'error', key: value.key, lineNumber: line.lineNumber, error: value.error };
      continue;
    }
    yield { kind: 'response', key: value.key, lineNumber: line.lineNumber, response: fakeModelResponse(value.answer) };
  }
}

/** A fake answer as a neutral {@link ModelResponse}. */
export function fakeModelResponse(answer: FakeAnswerLine['answer']): ModelResponse {
  const { text, finishReason, usage } = answer;
  return {
    text,
    finish: fakeFinishKind(finishReason),
    rawFinish: finishReason,
    finishNote: `finish ${finishReason}`,
    promptBlocked: undefined,
    usage: { ...usage, thoughtsTokens: 0, cachedTokens: 0 },
    modelVersion: 'fake',
    raw: answer,
  };
}

/**
 * The result lines of processed requests, in input order, from the scripted model (default: the text
 * `{"key":"<key>"}`). Usage is counted as a quarter of the characters, so costs are deterministic too.
 */
export function answerRequests(
  lines: readonly FakeRequestLine[],
  answer: ((key: string, request: unknown) => FakeAnswer) | undefined,
): (FakeAnswerLine | FakeErrorLine)[] {
  const results: (FakeAnswerLine | FakeErrorLine)[] = [];
  for (const { key, request } of lines) {
    const said: FakeAnswer = answer?.(key, request) ?? { text: JSON.stringify({ key }) };
    if ('omitted' in said) continue;
    if ('error' in said) {
      results.push({ key, error: said.error });
      continue;
    }
    const promptTokens = Math.ceil(JSON.stringify(request ?? null).length / 4);
    const outputTokens = Math.ceil(said.text.length / 4);
    const usage = { promptTokens, outputTokens, totalTokens: promptTokens + outputTokens };
    results.push({ key, answer: { text: said.text, finishReason: said.finishReason ?? 'STOP', usage } });
  }
  return results;
}

/**
 * One result line as the fake writes it, for tests that judge result files: an answer that finished normally or at
 * the token limit, or an error.
 */
export function fakeResultLine(key: string, outcome: { text: string; truncated?: boolean } | { error: { code: number; message: string } }): string {
  const said: FakeAnswer = 'error' in outcome ? outcome : { text: outcome.text, finishReason: outcome.truncated === true ? 'MAX_TOKENS' : 'STOP' };
  const [line] = answerRequests([{ key, request: null }], () => said);
  return JSON.stringify(line);
}
