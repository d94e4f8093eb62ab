/**
 * @module Assembles GenerateContentResponse bodies without answers (those are in candidates.ts): a blocked prompt
 * or no candidates, each with `usageMetadata` (zero counters omitted; total = prompt + candidates + thoughts),
 * `modelVersion` and a deterministic `responseId`.
 */
import type { Rng } from '../../shared/index.ts';
import { memoByKey } from './bounded-cache.ts';
import { sha256HexOf } from './seeding.ts';

/** What every response of one request shares. */
export interface ResponseFrame {
  readonly promptTokens: number;
  /** The model id without `models/`. */
  readonly modelVersion: string;
  readonly responseId: string;
}

/** `models/gemini-2.5-flash` → `gemini-2.5-flash`. */
export function modelVersionOf(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/** A 23-character base64url id derived from the seed and the request's hash, like `6VFkaIDwEPXVjMcP4-XW6Qo`. */
export function responseIdFor(seed: number, requestHash: string): string {
  return Buffer.from(sha256HexOf(`${seed}:${requestHash}:response`).slice(0, 34), 'hex').toString('base64url');
}

/** A model id's first version number (`gemini-2.5-flash` → 2.5), worked out once per model. */
const versionNumberOf = memoByKey<number>(64, (modelVersion) => Number(/\d+(?:\.\d+)?/.exec(modelVersion)?.[0] ?? '0'));

/**
 * Thinking tokens: models whose first version number is 2.5 or more (`gemini-2.5-flash`, `gemini-3-pro-preview`)
 * think 32 to 256 tokens (seeded), capped by a positive `thinkingBudget`; a budget of 0 or an older model thinks 0.
 */
export function thoughtsTokensFor(modelVersion: string, thinkingBudget: number | undefined, rng: Rng): number {
  const draw = 32 + rng.int(225);
  if (versionNumberOf(modelVersion) < 2.5 || thinkingBudget === 0) return 0;
  return thinkingBudget !== undefined && thinkingBudget > 0 ? Math.min(draw, thinkingBudget) : draw;
}

/** `usageMetadata`: zero counters omitted, total = prompt + candidates + thoughts. */
export function usageCounters(prompt: number, candidates: number, thoughts: number): Record<string, number> {
  const counters: Record<string, number> = {};
  if (prompt > 0) counters['promptTokenCount'] = prompt;
  if (candidates > 0) counters['candidatesTokenCount'] = candidates;
  if (prompt + candidates + thoughts > 0) counters['totalTokenCount'] = prompt + candidates + thoughts;
  if (thoughts > 0) counters['thoughtsTokenCount'] = thoughts;
  return counters;
}

/** A response whose prompt was blocked for safety: `promptFeedback`, no candidates. */
export function blockedResponse(frame: ResponseFrame): Record<string, unknown> {
  return {
    promptFeedback: {
      blockReason: 'SAFETY',
      safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
    },
    usageMetadata: usageCounters(frame.promptTokens, 0, 0),
    modelVersion: frame.modelVersion,
    responseId: frame.responseId,
  };
}

/** A response with no candidates: `candidates: []` or no `candidates` field at all. */
export function emptyResponse(
  frame: ResponseFrame,
  candidatesField: 'empty-array' | 'absent',
): Record<string, unknown> {
  return {
    ...(candidatesField === 'empty-array' ? { candidates: [] } : {}),
    usageMetadata: usageCounters(frame.promptTokens, 0, 0),
    modelVersion: frame.modelVersion,
    responseId: frame.responseId,
  };
}
