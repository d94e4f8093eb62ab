/**
 * @module Translates between Anthropic's Messages API and the simulated model, which answers Gemini's
 * GenerateContentRequests: a request's `params` become a GenerateContentRequest (system, messages with text,
 * base64 image and document blocks, custom tools and `tool_choice`, `output_config.format`, `max_tokens`,
 * sampling, `thinking`), and the model's answer becomes a Message (text or `tool_use` blocks, `stop_reason`,
 * `usage`). Shapes follow @anthropic-ai/sdk 1.10 `resources/messages/messages.ts`. A params object the API would
 * refuse throws InputError naming the field in Anthropic's dotted form (`messages.0.content.1.source`).
 */
import { InputError, sha256Hex } from '../../shared/index.ts';
import { estimateTextTokens } from '../model/index.ts';
import { describeJson, isJsonObject, type JsonObject } from '../proto-json.ts';
import { CacheTrack, type CacheUse, type CachePrefix } from './prompt-cache.ts';
import { promptTextsOf, serverToolBlocks, serverToolKind, type ServerTools } from './server-tools.ts';

/** A Messages request translated for the simulated model. */
export interface TranslatedRequest {
  /** The GenerateContentRequest the model answers. */
  request: JsonObject;
  /** `params.model`, echoed in the Message. */
  model: string;
  /** Input tokens of the tool definitions, which Anthropic bills as input and the model's count leaves out. */
  toolTokens: number;
  /** The prefix up to the last `cache_control` breakpoint, if any (prompt-cache.ts). */
  cache: CachePrefix | undefined;
  /** Web search and web fetch (server-tools.ts): answered beside the model, not by it. */
  serverTools: ServerTools;
}

/** What a Message's identity depends on: the emulator's seed, the batch and the request's `custom_id`. */
export interface MessageIdentity {
  seed: number;
  batchId: string;
  customId: string;
}

/**
 * The params fields the emulator reads or accepts (MessageCreateParamsNonStreaming); any other is refused with
 * the API's "Extra inputs are not permitted". `metadata`, `service_tier` and `cache_control` are accepted and
 * change nothing here.
 */
const PARAMS_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'tools',
  'tool_choice',
  'metadata',
  'thinking',
  'output_config',
  'stream',
  'service_tier',
  'cache_control',
]);

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function fail(location: string, message: string): never {
  throw new InputError(location, message);
}

function objectAt(value: unknown, location: string): JsonObject {
  if (!isJsonObject(value)) fail(location, `Input should be an object, got ${describeJson(value)}`);
  return value;
}

function stringAt(value: unknown, location: string): string {
  if (typeof value !== 'string') fail(location, `Input should be a string, got ${describeJson(value)}`);
  return value;
}

function numberAt(value: unknown, location: string, range: { min: number; max?: number; integer?: boolean }): number | undefined {
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
function nestedText(value: unknown, location: string): string {
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

function messagesOf(value: unknown, track: CacheTrack): JsonObject[] {
  if (!Array.isArray(value)) fail('messages', `Field required (a list of messages), got ${describeJson(value)}`);
  if (value.length === 0) fail('messages', 'at least one message is required');
  return value.map((item: unknown, index) => {
    const message = objectAt(item, `messages.${index}`);
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') fail(`messages.${index}.role`, "Input should be 'user' or 'assistant'");
    return contentOf(message['content'], `messages.${index}.content`, role, track);
  });
}

function systemOf(value: unknown, track: CacheTrack): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') track.add({ text: value }, undefined, 'system');
  else if (Array.isArray(value)) value.forEach((block: unknown, index) => track.add({ text: nestedText([block], 'system') }, objectAt(block, `system.${index}`), `system.${index}`));
  const text = typeof value === 'string' ? value : nestedText(value, 'system');
  return text.trim() === '' ? undefined : { parts: [{ text }] };
}

/** Custom tools as function declarations whose `parametersJsonSchema` is the tool's `input_schema`. */
function toolsOf(value: unknown, track: CacheTrack): { declarations: JsonObject[]; names: Set<string>; serverTools: ServerTools } {
  const serverTools: ServerTools = { webSearch: false, webFetch: false };
  if (value === undefined || value === null) return { declarations: [], names: new Set(), serverTools };
  if (!Array.isArray(value)) fail('tools', `Input should be a list, got ${describeJson(value)}`);
  const names = new Set<string>();
  const declarations = value.flatMap((item: unknown, index): JsonObject[] => {
    const tool = objectAt(item, `tools.${index}`);
    const server = serverToolKind(tool, `tools.${index}`);
    if (server !== undefined) {
      serverTools[server] = true;
      track.add({ text: JSON.stringify(tool) }, tool, `tools.${index}`);
      return [];
    }
    const name = stringAt(tool['name'], `tools.${index}.name`);
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name)) fail(`tools.${index}.name`, "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
    if (names.has(name)) fail('tools', `Tool names must be unique: ${name}`);
    names.add(name);
    const schema = objectAt(tool['input_schema'], `tools.${index}.input_schema`);
    if (schema['type'] !== 'object') fail(`tools.${index}.input_schema.type`, "Input should be 'object'");
    const description = tool['description'];
    const declaration = { name, ...(typeof description === 'string' ? { description } : {}), parametersJsonSchema: schema };
    track.add({ text: JSON.stringify(declaration) }, tool, `tools.${index}`);
    return [declaration];
  });
  return { declarations, names, serverTools };
}

/** `tool_choice` as Gemini's function calling mode: `tool` and `any` force a call, `auto` and `none` do not. */
function toolConfigOf(value: unknown, names: ReadonlySet<string>): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  const choice = objectAt(value, 'tool_choice');
  switch (choice['type']) {
    case 'auto':
    case 'none':
      return undefined;
    case 'any':
      if (names.size === 0) fail('tool_choice', 'tool_choice "any" needs at least one tool in tools');
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool': {
      const name = stringAt(choice['name'], 'tool_choice.name');
      if (!names.has(name)) fail('tool_choice.name', `tool ${JSON.stringify(name)} is not in tools`);
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
    }
    default:
      return fail('tool_choice.type', "Input should be 'auto', 'any', 'tool' or 'none'");
  }
}

/** `output_config.format` (structured outputs, SDK `JSONOutputFormat`): a JSON answer following `schema`. */
function outputFormatOf(value: unknown): JsonObject {
  if (value === undefined || value === null) return {};
  const config = objectAt(value, 'output_config');
  const format = config['format'];
  if (format === undefined || format === null) return {};
  const json = objectAt(format, 'output_config.format');
  if (json['type'] !== 'json_schema') fail('output_config.format.type', "Input should be 'json_schema'");
  return { responseMimeType: 'application/json', responseJsonSchema: objectAt(json['schema'], 'output_config.format.schema') };
}

/** `thinking` as a thinking budget: only an enabled `budget_tokens` thinks (Claude does not think unasked). */
function thinkingBudgetOf(value: unknown, maxTokens: number): number {
  if (value === undefined || value === null) return 0;
  const thinking = objectAt(value, 'thinking');
  if (thinking['type'] === 'disabled') return 0;
  if (thinking['type'] === 'adaptive') return maxTokens - 1;
  if (thinking['type'] !== 'enabled') fail('thinking.type', "Input should be 'enabled', 'disabled' or 'adaptive'");
  const budget = numberAt(thinking['budget_tokens'], 'thinking.budget_tokens', { min: 1024, integer: true }) ?? fail('thinking.budget_tokens', 'Field required');
  if (budget >= maxTokens) fail('max_tokens', `max_tokens must be greater than thinking.budget_tokens (${budget})`);
  return budget;
}

/** Reads `params` (one batch request's MessageCreateParams) into the model's request. Throws InputError. */
export function translateParams(value: unknown): TranslatedRequest {
  const params = objectAt(value, 'params');
  for (const name of Object.keys(params)) if (!PARAMS_FIELDS.has(name)) fail(name, 'Extra inputs are not permitted');
  const model = stringAt(params['model'], 'model');
  if (model === '') fail('model', 'Field required');
  // `max_tokens: 0` (cache pre-warming) is refused in batches (platform.claude.com batch-processing).
  const maxTokens = numberAt(params['max_tokens'], 'max_tokens', { min: 1, integer: true }) ?? fail('max_tokens', 'Field required');
  if (params['stream'] === true) fail('stream', 'streaming is not supported in Message Batches');
  const temperature = numberAt(params['temperature'], 'temperature', { min: 0, max: 1 });
  const topP = numberAt(params['top_p'], 'top_p', { min: 0, max: 1 });
  const topK = numberAt(params['top_k'], 'top_k', { min: 0, integer: true });
  const stop = params['stop_sequences'];
  if (stop !== undefined && stop !== null && !(Array.isArray(stop) && stop.every((item) => typeof item === 'string'))) {
    fail('stop_sequences', 'Input should be a list of strings');
  }
  // Tools, system, then messages: the order the cache prefix covers them in.
  const track = new CacheTrack();
  const { declarations, names, serverTools } = toolsOf(params['tools'], track);
  const toolConfig = toolConfigOf(params['tool_choice'], names);
  const system = systemOf(params['system'], track);
  const contents = messagesOf(params['messages'], track);
  track.markAll(params['cache_control']);
  const generationConfig: JsonObject = {
    maxOutputTokens: maxTokens,
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(topK === undefined || topK === 0 ? {} : { topK }),
    ...(Array.isArray(stop) && stop.length > 0 ? { stopSequences: stop } : {}),
    ...outputFormatOf(params['output_config']),
    thinkingConfig: { thinkingBudget: thinkingBudgetOf(params['thinking'], maxTokens) },
  };
  const request: JsonObject = {
    contents,
    ...(system === undefined ? {} : { systemInstruction: system }),
    ...(declarations.length === 0 ? {} : { tools: [{ functionDeclarations: declarations }] }),
    ...(toolConfig === undefined ? {} : { toolConfig }),
    generationConfig,
  };
  const toolTokens = declarations.length === 0 ? 0 : estimateTextTokens(JSON.stringify(declarations));
  return { request, model, toolTokens, cache: track.prefix(model), serverTools };
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
    if (!isJsonObject(part) || part['thought'] === true) continue;
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
