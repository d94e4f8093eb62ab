/**
 * @module How to read a ledger written before the neutral request model. Every such ledger holds Gemini bodies and
 * Gemini-shaped responses (Gemini was the only provider), so the Gemini codec and finish rules read them back.
 */
import type { LegacyRules } from '../../ledger/index.ts';
import { fingerprintRequest } from '../../requests/index.ts';
import { InputError } from '../../shared/index.ts';
import { neutralStoredGeminiResponse } from './gemini-finish.ts';
import { decodeGeminiRequest, geminiRequestCodec } from './gemini-request.ts';

/** The neutral fingerprint of a stored Gemini body, or undefined when the body is not one truebatch wrote. */
export function fingerprintOfStoredGeminiBody(stored: { model: string; requestJson: string }): string | undefined {
  try {
    const request = decodeGeminiRequest(stored.requestJson);
    return fingerprintRequest({ provider: geminiRequestCodec.provider, model: stored.model, request });
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** A stored response as a neutral result; an error (`{code, message}`) or an unreadable value is left as it is. */
export function neutralStoredResponse(storedJson: string): string | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(storedJson);
  } catch {
    return undefined;
  }
  // A stored result always has `raw` (kept as null); a stored error never has.
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored) || !('raw' in stored)) return undefined;
  return JSON.stringify(neutralStoredGeminiResponse(stored));
}

/** The rules the composition root upgrades an older ledger with. */
export const GEMINI_LEGACY_RULES: LegacyRules = {
  fingerprintOf: fingerprintOfStoredGeminiBody,
  responseOf: neutralStoredResponse,
};
