/**
 * @module Reads the content of a Messages request (`system`, `messages` and their text, base64 image and document,
 * `tool_use` and `tool_result` blocks) into Gemini contents, marking each block for the prompt cache; and the field
 * readers that refuse a bad field with InputError naming it in Anthropic's dotted form (`messages.0.content.1.source`).
 * Shapes follow @anthropic-ai/sdk 1.10 `resources/messages/messages.ts`.
 */
import { InputError } from '../../shared/index.ts';
import { describeJson, isJsonObject, type JsonObject } from '../proto-json.ts';
import type { CacheTrack } from './prompt-cache.ts';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Refuses the request: InputError with the field's dotted location. */
export function fail(location: string, message: string): never {
  throw new InputError(location, message);
}

/** The value as an object, or a refusal naming `location`. */
export function objectAt(value: unknown, location: string): JsonObject {
  if (!isJsonObject(value)) fail(location, `Input should be an object, got ${describeJson(value)}`);
  return value;
}

/** The value as a string, or a refusal naming `location`. */
export function stringAt(value: unknown, location: string): string {
  if (typeof value !== 'string') fail(location, `Input should be a string, got ${describeJson(value)}`);
  return value;
}

/** An optional number within `range` (undefined when absent), or a refusal naming `location`. */
export function numberAt(value: unknown, location: string, range: { min: number; max?: number; integer?: boolean }): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(location, `Input should be a number, got ${describeJson(value)}`);
  if (range.integer === true && !Number.isInteger(value)) fail(location, 'Input should be a valid integer');
  if (value < range.min) fail(location, `Input should be greater than or equal to ${range.min}`);
  if (range.max !== undefined && value > range.max) fail(location, `Input should be less than or equal to ${range.max}`);
  return value;
}

/** A text block's text, which the API requires to be non-empty. */
function blockText(block: JsonObject, location: string): string {
  const text = stringAt(block['text'], `${location}.text`);
  if (text.trim() === '') fail(location, 'text content blocks must contain non-whitespace text');
  return text;
}

/** A base64 `source` as inline data; `url` and `file` sources are not fetched by the emulator. */
function base64Source(source: JsonObject, location: string, allowed: ReadonlySet<string>): JsonObject {
  const mediaType = stringAt(source['media_type'], `${location}.media_type`);
  if (!allowed.has(mediaType)) fail(`${location}.media_type`, `Input should be ${[...allowed].map((type) => `'${type}'`).join(' or ')}`);
  return { inlineData: { mimeType: mediaType, data: stringAt(source['data'], `${location}.data`) } };
}

function unfetchedSource(type: unknown, location: string): never {
  fail(`${location}.type`, `the emulator does not fetch ${describeJson(type)} sources: send the bytes as a base64 source`);
}

/** The text of a `tool_result` or `content` document: a string or text blocks. */
export function nestedText(value: unknown, location: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) fail(location, `Input should be a string or a list of blocks, got ${describeJson(value)}`);
  return value
    .map((block: unknown, index) => {
      const item = objectAt(block, `${location}.${index}`);
      return item['type'] === 'text' ? stringAt(item['text'], `${location}.${index}.text`) : '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

function documentPart(block: JsonObject, location: string): JsonObject {
  const source = objectAt(block['source'], `${location}.source`);
  switch (source['type']) {
    case 'base64':
      return base64Source(source, `${location}.source`, new Set(['application/pdf']));
    case 'text':
      return { text: stringAt(source['data'], `${location}.source.data`) };
    case 'content':
      return { text: nestedText(source['content'], `${location}.source.content`) || '(empty document)' };
    default:
      return unfetchedSource(source['type'], `${location}.source`);
  }
}

/** One content block as a Gemini part, or undefined for blocks that carry nothing to read (thinking). */
function blockPart(value: unknown, location: string): JsonObject | undefined {
  const block = objectAt(value, location);
  switch (block['type']) {
    case 'text':
      return { text: blockText(block, location) };
    case 'image': {
      const source = objectAt(block['source'], `${location}.source`);
      return source['type'] === 'base64' ? base64Source(source, `${location}.source`, IMAGE_TYPES) : unfetchedSource(source['type'], `${location}.source`);
    }
    case 'document':
      return documentPart(block, location);
    case 'tool_use':
      return { functionCall: { name: stringAt(block['name'], `${location}.name`), args: objectAt(block['input'], `${location}.input`) } };
    case 'tool_result':
      return { text: nestedText(block['content'], `${location}.content`) || '(empty tool result)' };
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
    default:
      return fail(`${location}.type`, `unsupported content block type ${describeJson(block['type'])}`);
  }
}

function contentOf(value: unknown, location: string, role: string, track: CacheTrack): JsonObject {
  let parts: JsonObject[];
  if (typeof value === 'string') {
    if (value.trim() === '' && role === 'user') fail(location, 'messages: user messages must have non-empty content');
    parts = [{ text: value === '' ? ' ' : value }];
    track.add({ text: value }, undefined, location);
  } else if (Array.isArray(value)) {
    if (value.length === 0) fail(location, 'Input should have at least 1 item');
    parts = value.flatMap((block: unknown, index): JsonObject[] => {
      const part = blockPart(block, `${location}.${index}`);
      if (part === undefined) return [];
      track.add(part, block as JsonObject, `${location}.${index}`);
      return [part];
    });
    if (parts.length === 0) parts = [{ text: ' ' }];
  } else {
    fail(location, `Input should be a string or a list of content blocks, got ${describeJson(value)}`);
  }
  return { role: role === 'assistant' ? 'model' : 'user', parts };
}

/** `messages` as Gemini contents (`assistant` turns as `model`). */
export function messagesOf(value: unknown, track: CacheTrack): JsonObject[] {
  if (!Array.isArray(value)) fail('messages', `Field required (a list of messages), got ${describeJson(value)}`);
  if (value.length === 0) fail('messages', 'at least one message is required');
  return value.map((item: unknown, index) => {
    const message = objectAt(item, `messages.${index}`);
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') fail(`messages.${index}.role`, "Input should be 'user' or 'assistant'");
    return contentOf(message['content'], `messages.${index}.content`, role, track);
  });
}

/** `system` (a string or text blocks) as a systemInstruction, undefined when blank. */
export function systemOf(value: unknown, track: CacheTrack): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') track.add({ text: value }, undefined, 'system');
  else if (Array.isArray(value)) value.forEach((block: unknown, index) => track.add({ text: nestedText([block], 'system') }, objectAt(block, `system.${index}`), `system.${index}`));
  const text = typeof value === 'string' ? value : nestedText(value, 'system');
  return text.trim() === '' ? undefined : { parts: [{ text }] };
}
