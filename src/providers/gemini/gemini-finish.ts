/**
 * @module Gemini's finish and block reasons in truebatch's terms. Light: the collect worker and the ledger upgrade use
 * it without the SDK.
 */
import type { FinishKind, ModelResponse } from '../batch-provider.ts';

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

/** The neutral kind of a Gemini `finishReason` (undefined: no candidate). */
export function geminiFinishKind(finishReason: string | undefined): FinishKind | undefined {
  if (finishReason === undefined) return undefined;
  if (finishReason === 'STOP') return 'stop';
  if (finishReason === 'MAX_TOKENS') return 'max-tokens';
  return BLOCKING_FINISH_REASONS.has(finishReason) ? 'blocked' : 'other';
}

/** The finish fields of a neutral result from a candidate's `finishReason` and the prompt's `blockReason`. */
export function geminiFinish(
  finishReason: string | undefined,
  blockReason: string | undefined,
): Pick<ModelResponse, 'finish' | 'rawFinish' | 'finishNote' | 'promptBlocked'> {
  return {
    finish: geminiFinishKind(finishReason),
    rawFinish: finishReason,
    finishNote: finishReason === undefined ? 'no candidates' : `finishReason ${finishReason}`,
    promptBlocked: blockReason,
  };
}

/**
 * A response stored by a ledger written before the neutral result (`finishReason` and `blockReason` as Gemini gave
 * them) in today's shape; a response already in it is returned as it is.
 */
export function neutralStoredGeminiResponse(stored: Record<string, unknown>): Record<string, unknown> {
  if ('finishNote' in stored) return stored;
  const { finishReason, blockReason, ...rest } = stored;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return { ...rest, ...geminiFinish(text(finishReason), text(blockReason)) };
}
