/**
 * @module The Gemini codec's embedding half: a neutral request with `embedding` set is the `EmbedContentRequest` of
 * an `asyncBatchEmbedContent` input line, `{"content":{"parts":[…]},"outputDimensionality":N,"taskType":"…"}`
 * (REST `EmbedContentRequest`; the SDK's inline form sends the same camelCase members, spec §3.2 "Embeddings").
 * Only text parts are embedded ("Only the parts.text fields will be counted", SDK `EmbedContentBatch`).
 */
import { estimateTextTokens } from '../../cost/index.ts';
import type { EmbeddingOptions, NeutralRequest } from '../../requests/index.ts';
import { InputError } from '../../shared/index.ts';
import type { RequestTokenEstimate } from '../request-codec.ts';

/** Whether a stored request body is an `EmbedContentRequest` (it has `content`, a GenerateContentRequest `contents`). */
export function isEmbedRequestJson(body: Record<string, unknown>): boolean {
  return 'content' in body && !('contents' in body);
}

function textsOf(request: NeutralRequest): string[] {
  return request.content.map((part) => {
    if (part.kind !== 'text') throw new InputError('request.content', 'an embedding request takes text parts only');
    return part.text;
  });
}

/** The `EmbedContentRequest` JSON of an embedding request, members in a fixed order. */
export function encodeGeminiEmbedRequest(request: NeutralRequest & { embedding: EmbeddingOptions }): string {
  const parts = textsOf(request).map((text) => JSON.stringify({ text })).join(',');
  let json = `{"content":{"parts":[${parts}]}`;
  const { dimensions, taskType } = request.embedding;
  if (dimensions !== undefined) json += `,"outputDimensionality":${dimensions}`;
  if (taskType !== undefined) json += `,"taskType":${JSON.stringify(taskType)}`;
  return `${json}}`;
}

/** The neutral request of an `EmbedContentRequest` truebatch wrote. Throws InputError otherwise. */
export function decodeGeminiEmbedRequest(body: Record<string, unknown>): NeutralRequest {
  const known = new Set(['content', 'outputDimensionality', 'taskType']);
  const unknown = Object.keys(body).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new InputError('request', `has members truebatch never wrote: ${unknown.join(', ')}`);
  const content = body['content'] as { parts?: unknown } | null;
  const parts = typeof content === 'object' && content !== null && Array.isArray(content.parts) ? (content.parts as unknown[]) : undefined;
  if (parts === undefined) throw new InputError('request.content', 'must be a content with parts');
  const texts = parts.map((part, index) => {
    const text = typeof part === 'object' && part !== null ? (part as { text?: unknown }).text : undefined;
    if (typeof text !== 'string') throw new InputError(`request.content.parts[${index}]`, 'must be a text part');
    return text;
  });
  const dimensions = body['outputDimensionality'];
  const taskType = body['taskType'];
  if (dimensions !== undefined && typeof dimensions !== 'number') throw new InputError('request.outputDimensionality', 'must be a number');
  if (taskType !== undefined && typeof taskType !== 'string') throw new InputError('request.taskType', 'must be a string');
  return {
    content: texts.map((text) => ({ kind: 'text', text })),
    generation: {},
    embedding: { ...(dimensions === undefined ? {} : { dimensions }), ...(taskType === undefined ? {} : { taskType }) },
  };
}

/** Input tokens of the text to embed; an embedding has no output tokens. */
export function estimateEmbedTokens(request: NeutralRequest): RequestTokenEstimate {
  return { input: textsOf(request).reduce((sum, text) => sum + estimateTextTokens(text), 0), output: 0 };
}
