/**
 * @module Composes the Message that answers a Messages batch request from the simulated model's
 * GenerateContentResponse: content blocks (`thinking`, text, `tool_use`, server tool blocks), `stop_reason` and
 * `usage` (tool definitions, prompt cache writes and reads, thinking), with ids stable per seed, batch and
 * `custom_id`. Shapes follow @anthropic-ai/sdk 1.10 `resources/messages/messages.ts`.
 */
import { sha256Hex } from '../../shared/index.ts';
import { isJsonObject, type JsonObject } from '../proto-json.ts';
import type { CacheUse } from './prompt-cache.ts';
import { promptTextsOf, serverToolBlocks, type ServerTools } from './server-tools.ts';

/** What a Message's identity depends on: the emulator's seed, the batch and the request's `custom_id`. */
export interface MessageIdentity {
  seed: number;
  batchId: string;
  customId: string;
}

const ID_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A stable id in Anthropic's shape (`msg_01…`, `toolu_01…`: prefix, `01`, 22 base58 characters) from a label. */
export function derivedId(prefix: string, label: string): string {
  const hex = sha256Hex(label);
  let id = '';
  for (let index = 0; index < 22; index++) id += ID_ALPHABET[Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16) % ID_ALPHABET.length];
  return `${prefix}_01${id}`;
}

function numberField(object: unknown, name: string): number {
  const value = isJsonObject(object) ? object[name] : undefined;
  return typeof value === 'number' ? value : 0;
}

/**
 * The Message for the model's GenerateContentResponse: text parts as one text block, a function call as a
 * `tool_use` block; `stop_reason` `tool_use`, `max_tokens` (cut at `max_tokens`), `refusal` (a blocked prompt, no
 * content) or `end_turn`; `usage` with input tokens (tool definitions included, cached prefix excluded), cache
 * writes and reads (prompt-cache.ts), output tokens (thinking included, as Anthropic bills it), `service_tier: 'batch'`.
 */
export function messageOf(
  response: JsonObject,
  model: string,
  identity: MessageIdentity,
  input: { toolTokens?: number; cache?: CacheUse | undefined; serverTools?: ServerTools; request?: JsonObject } = {},
): JsonObject {
  const label = `${identity.seed}\u0000${identity.batchId}\u0000${identity.customId}`;
  const candidates = response['candidates'];
  const candidate = Array.isArray(candidates) && isJsonObject(candidates[0]) ? candidates[0] : undefined;
  const content: JsonObject[] = [];
  let texts: string[] = [];
  const flushText = (): void => {
    if (texts.length > 0) content.push({ type: 'text', text: texts.join('') });
    texts = [];
  };
  const parts = isJsonObject(candidate?.['content']) ? candidate['content']['parts'] : undefined;
  for (const part of Array.isArray(parts) ? parts : []) {
    if (!isJsonObject(part)) continue;
    if (part['thought'] === true) {
      // Extended thinking: a `thinking` block with its signature comes first (SDK ThinkingBlock).
      if (typeof part['text'] === 'string') content.push({ type: 'thinking', thinking: part['text'], signature: Buffer.from(derivedId('sig', label)).toString('base64') });
      continue;
    }
    if (typeof part['text'] === 'string') texts.push(part['text']);
    const call = part['functionCall'];
    if (isJsonObject(call)) {
      flushText();
      content.push({ type: 'tool_use', id: derivedId('toolu', `${label}\u0000${content.length}`), name: call['name'], input: call['args'] ?? {} });
    }
  }
  flushText();
  const tools = input.serverTools;
  const server =
    tools !== undefined && (tools.webSearch || tools.webFetch)
      ? serverToolBlocks(
          tools,
          content.map((block) => (typeof block['text'] === 'string' ? block['text'] : '')).join(''),
          input.request === undefined ? [] : promptTextsOf(input.request),
          (kind, index) => derivedId(kind, `${label}\u0000server\u0000${index}`),
        )
      : undefined;
  if (server !== undefined) content.unshift(...server.blocks);
  const blocked = isJsonObject(response['promptFeedback']);
  let stopReason = 'end_turn';
  if (blocked || candidate?.['finishReason'] === 'SAFETY') stopReason = 'refusal';
  else if (content.some((block) => block['type'] === 'tool_use')) stopReason = 'tool_use';
  else if (candidate?.['finishReason'] === 'MAX_TOKENS') stopReason = 'max_tokens';
  const usage = response['usageMetadata'];
  const cache = input.cache;
  const cachedTokens = (cache?.written ?? 0) + (cache?.read ?? 0);
  const creation = (ttl: string): number => (cache?.ttl === ttl ? cache.written : 0);
  // "output_tokens will be non-zero, even for an empty string response" (SDK Message.usage doc).
  const outputTokens = Math.max(1, numberField(usage, 'candidatesTokenCount') + numberField(usage, 'thoughtsTokenCount'));
  return {
    id: derivedId('msg', label),
    type: 'message',
    role: 'assistant',
    model,
    content: blocked ? [] : content,
    stop_reason: stopReason,
    // RefusalStopDetails: the simulated refusal names no policy category.
    stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
    stop_sequence: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: Math.max(1, numberField(usage, 'promptTokenCount') + (input.toolTokens ?? 0) - cachedTokens),
      cache_creation_input_tokens: cache?.written ?? 0,
      cache_read_input_tokens: cache?.read ?? 0,
      cache_creation: { ephemeral_5m_input_tokens: creation('5m'), ephemeral_1h_input_tokens: creation('1h') },
      output_tokens: outputTokens,
      server_tool_use: server?.usage ?? null,
      service_tier: 'batch',
    },
  };
}
