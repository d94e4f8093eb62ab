/**
 * @module The fingerprint, in today's format, of a request stored by a ledger written before the neutral request
 * model. Every such ledger holds Gemini bodies (Gemini was the only provider), so the Gemini codec reads them back.
 */
import { fingerprintRequest } from '../../requests/index.ts';
import { InputError } from '../../shared/index.ts';
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
