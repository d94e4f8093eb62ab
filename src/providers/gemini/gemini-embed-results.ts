/**
 * @module Embedding result lines: `{"key","response":{"tokenCount":"N","embedding":{"values":[…]}}}` (an
 * `asyncBatchEmbedContent` result file, spec §3.2 "Embeddings"; SDK 3.3.0 `SingleEmbedContentResponse`) read into
 * the neutral {@link ModelResponse}, with the vector in `embedding` and no text.
 */
import { z } from 'zod';
import type { ModelResponse } from '../batch-provider.ts';
import { tokenCountSchema } from './gemini-token-count.ts';

const embedResponseSchema = z.object({
  embedding: z.object({ values: z.array(z.number()) }),
  tokenCount: tokenCountSchema.optional(),
});

/** Whether a line's `response` is an embedding (the SDK tells them apart the same way: `tRecvBatchJobDestination`). */
export function isEmbedResponse(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'embedding' in value;
}

/** The neutral response of an embedding, or why it is not one. */
export function embedModelResponse(value: unknown): { ok: true; response: ModelResponse } | { ok: false; reason: string } {
  const parsed = embedResponseSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `"response" is not an embedding: ${z.prettifyError(parsed.error)}` };
  const tokens = parsed.data.tokenCount ?? 0;
  return {
    ok: true,
    response: {
      text: undefined,
      finish: 'stop',
      rawFinish: undefined,
      finishNote: 'an embedding',
      promptBlocked: undefined,
      // An embedding is billed on its input only.
      usage: { promptTokens: tokens, outputTokens: 0, thoughtsTokens: 0, cachedTokens: 0, totalTokens: tokens },
      modelVersion: undefined,
      embedding: parsed.data.embedding.values,
      raw: value,
    },
  };
}
