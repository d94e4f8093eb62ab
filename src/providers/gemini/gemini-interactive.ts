/**
 * @module Gemini's interactive `models/{m}:generateContent` behind the provider's {@link InteractiveModel} (#19: an
 * audit asks the model again, at the standard price, and compares). The stored batch request is sent as it is, so
 * the interactive answer is to the very same request; the answer is read like a batch result line's response.
 */
import { ProviderError } from '../../shared/index.ts';
import type { InteractiveModel } from '../batch-provider.ts';
import { GEMINI_PROVIDER_NAME } from './gemini-errors.ts';
import type { GeminiRestClient } from './gemini-rest.ts';
import { readModelResponse } from './gemini-results.ts';

/** The interactive model of a Gemini provider. One try per call: resilient-provider.ts decides what is repeated. */
export function geminiInteractive(rest: GeminiRestClient): InteractiveModel {
  return {
    async generate({ model, key, requestJson }) {
      const where = `generateContent(${key})`;
      const read = readModelResponse(await rest.generateContent(model, requestJson, where));
      if (!read.ok) throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: ${read.reason}`, { isRetryable: false });
      return read.response;
    },
  };
}
