/**
 * @module Classifies one result line: provider error, blocked, empty, truncated or unparseable (failed), or
 * extracted JSON that the validator finds valid or invalid (an embedding: a vector of the right size).
 */
import type { ResultItem } from '../providers/index.ts';
import { extractJson, type ValidationIssue, type Validator } from '../validation/index.ts';
import { evaluateEmbedding } from './evaluate-embedding.ts';
import type { Verdict } from './verdict.ts';

/**
 * The verdict on one result line, judged on the neutral result (see `ModelResponse`): each provider has already said
 * what its finish reasons mean. Never throws: every per-line failure is data.
 *
 * Order: an error line is `provider-error`; an embedding is judged as a vector (`evaluate-embedding.ts`); a refused
 * prompt or an answer stopped by a policy is `blocked`; no text is `empty` (or `truncated` when the output limit was
 * spent before any text, e.g. on thinking); a function called as the answer has its arguments validated; text whose
 * JSON cannot be extracted is `truncated` after the output limit, else `unparseable`; extracted JSON goes to the
 * validator.
 * Messages quote the provider's own words (`rawFinish`, `finishNote`).
 */
export function evaluateResult(
  item: Exclude<ResultItem, { kind: 'malformed' }>,
  validator: Validator,
  expected: { dimensions?: number | undefined } = {},
): Verdict {
  const key = item.key;
  if (item.kind === 'error') {
    const { code, message } = item.error;
    return failed(key, 'provider-error', `provider error ${code}: ${message}`, undefined, undefined);
  }
  // An embedding is judged as a vector (of `expected.dimensions` values, when the stage asks for a size).
  const { embedding } = item.response;
  if (embedding !== undefined) return evaluateEmbedding(key, { ...item.response, embedding }, expected.dimensions);
  const { text, finish, rawFinish, finishNote, promptBlocked, usage, functionCall } = item.response;
  const hasText = text !== undefined && text.trim() !== '';
  const limit = rawFinish ?? 'the output limit';
  if (promptBlocked !== undefined) {
    return failed(key, 'blocked', `prompt blocked: ${promptBlocked}`, usage, hasText ? text : undefined);
  }
  if (finish === 'blocked') {
    return failed(key, 'blocked', `response blocked: ${finishNote}`, usage, hasText ? text : undefined);
  }
  // A function call as the answer: its arguments are the JSON, nothing to extract from text.
  if (functionCall !== undefined) return judged(key, validator, functionCall.args, [], [], usage, JSON.stringify(functionCall.args));
  if (!hasText) {
    if (finish === 'max-tokens') {
      return failed(key, 'truncated', `the response hit ${limit} before any text${spentOn(usage)}`, usage, text);
    }
    return failed(key, 'empty', `the response has no text (${finishNote})`, usage, text);
  }

  const extracted = extractJson(text);
  if (!extracted.ok) {
    if (finish === 'max-tokens') {
      return failed(key, 'truncated', `the response hit ${limit}: ${extracted.reason}`, usage, text);
    }
    return failed(key, 'unparseable', extracted.reason, usage, text);
  }

  const notes: ValidationIssue[] = extracted.notes.map((note) => warning('extraction', note));
  if (finish !== undefined && finish !== 'stop') {
    notes.push(warning('extraction', `the response ended with ${finishNote}, but its JSON is complete`));
  }
  return judged(key, validator, extracted.value, notes, extracted.repairs, usage, text);
}

/** The validator's verdict on an answer's JSON `value`, after the notes and repairs of getting it. */
function judged(
  key: string,
  validator: Validator,
  value: unknown,
  notes: ValidationIssue[],
  extractionRepairs: Extract<Verdict, { status: 'valid' }>['repairs'],
  usage: Verdict['usage'],
  text: string,
): Verdict {
  const result = validator.validate(value);
  const issues = [...notes, ...result.issues];
  const repairs = [...(result.issues.some((issue) => issue.code === 'alias') ? ['alias' as const] : []), ...extractionRepairs];
  if (result.valid) return { status: 'valid', key, output: result.value, issues, repairs, usage, text };
  return { status: 'invalid', key, issues, repairs, usage, text };
}

function failed(
  key: string,
  reason: Extract<Verdict, { status: 'failed' }>['reason'],
  message: string,
  usage: Verdict['usage'],
  text: string | undefined,
): Verdict {
  return { status: 'failed', key, reason, message, usage, text };
}

function warning(code: ValidationIssue['code'], message: string): ValidationIssue {
  return { severity: 'warning', code, path: '', message };
}

function spentOn(usage: Verdict['usage']): string {
  if (usage === undefined) return '';
  const output = `${usage.outputTokens} output tokens`;
  return usage.thoughtsTokens > 0 ? ` (${usage.thoughtsTokens} thinking tokens, ${output})` : ` (${output})`;
}
