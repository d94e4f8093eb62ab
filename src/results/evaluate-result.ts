/**
 * @module Classifies one result line: provider error, blocked, empty, truncated or unparseable (failed), or
 * extracted JSON that the validator finds valid or invalid.
 */
import type { ResultItem } from '../providers/index.ts';
import { extractJson, type ValidationIssue, type Validator } from '../validation/index.ts';
import type { Verdict } from './verdict.ts';

/** Finish reasons that mean the candidate was stopped by a policy, not by the model finishing. */
const BLOCKING_FINISH_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * The verdict on one result line. Never throws: every per-line failure is data.
 *
 * Order: an error line is `provider-error`; a blocked prompt or a candidate stopped by a safety filter is `blocked`;
 * no text is `empty` (or `truncated` when MAX_TOKENS was spent before any text, e.g. on thinking); text whose JSON
 * cannot be extracted is `truncated` after MAX_TOKENS, else `unparseable`; extracted JSON goes to the validator.
 */
export function evaluateResult(item: Exclude<ResultItem, { kind: 'malformed' }>, validator: Validator): Verdict {
  const key = item.key;
  if (item.kind === 'error') {
    const { code, message } = item.error;
    return failed(key, 'provider-error', `provider error ${code}: ${message}`, undefined, undefined);
  }
  const { text, finishReason, blockReason, usage } = item.response;
  const hasText = text !== undefined && text.trim() !== '';
  if (blockReason !== undefined) {
    return failed(key, 'blocked', `prompt blocked: ${blockReason}`, usage, hasText ? text : undefined);
  }
  if (finishReason !== undefined && BLOCKING_FINISH_REASONS.has(finishReason)) {
    return failed(key, 'blocked', `response blocked: finishReason ${finishReason}`, usage, hasText ? text : undefined);
  }
  if (!hasText) {
    if (finishReason === 'MAX_TOKENS') {
      const message = `the response hit MAX_TOKENS before any text${spentOn(usage)}`;
      return failed(key, 'truncated', message, usage, text);
    }
    const why = finishReason === undefined ? 'no candidates' : `finishReason ${finishReason}`;
    return failed(key, 'empty', `the response has no text (${why})`, usage, text);
  }

  const extracted = extractJson(text);
  if (!extracted.ok) {
    if (finishReason === 'MAX_TOKENS') {
      return failed(key, 'truncated', `the response hit MAX_TOKENS: ${extracted.reason}`, usage, text);
    }
    return failed(key, 'unparseable', extracted.reason, usage, text);
  }

  const notes: ValidationIssue[] = extracted.notes.map((note) => warning('extraction', note));
  if (finishReason !== undefined && finishReason !== 'STOP') {
    const note = `the response ended with finishReason ${finishReason}, but its JSON is complete`;
    notes.push(warning('extraction', note));
  }
  const result = validator.validate(extracted.value);
  const issues = [...notes, ...result.issues];
  const repairs = [...(result.issues.some((issue) => issue.code === 'alias') ? ['alias' as const] : []), ...extracted.repairs];
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
