/**
 * @module The Anthropic request codec: a neutral request as the `params` of a Message Batches request, without its
 * `model` (the job's model is added when the batch is created, as Gemini's is). Structured output uses the Messages
 * API's native `output_config.format` (a JSON schema; SDK 1.10 `OutputConfig`); an answer function is forced with
 * `tool_choice`. PDFs travel as base64 `document` blocks, images as base64 `image` blocks.
 */
import { estimateTextTokens } from '../../cost/index.ts';
import type { GenerationOptions, NeutralRequest, RequestPart, ToolSpec } from '../../requests/index.ts';
import { InputError, isRecord, parseJsonObject } from '../../shared/index.ts';
import type { RequestCodec } from '../request-codec.ts';

/** The provider name of every Anthropic fingerprint and result file. */
export const ANTHROPIC_PROVIDER_NAME = 'anthropic';

/**
 * `max_tokens` is required by the Messages API; a stage that sets no `maxOutputTokens` gets this many (enough for a
 * long JSON answer; every current Claude model allows at least 64K).
 */
export const DEFAULT_MAX_TOKENS = 8192;

/** Tokens an image costs at most (about 1.15 megapixels / 750; Anthropic's vision docs). */
const IMAGE_TOKENS = 1600;
/** Tokens a PDF page costs: its text plus its page image, 1,500–3,000 (Anthropic's PDF support docs). */
const PDF_PAGE_TOKENS = 2000;
/** Output guessed when the stage sets no limit, as for Gemini (cost/README: estimates are calibrated later). */
const DEFAULT_OUTPUT_GUESS = 1024;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

type Block =
  | { type: 'text'; text: string }
  | { type: 'document'; source: { type: 'base64'; media_type: string; data: string } | { type: 'file'; file_id: string } }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } };

function block(part: RequestPart): Block {
  if (part.kind === 'text') return { type: 'text', text: part.text };
  // An uploaded file (Anthropic's Files API, beta) is named by id; truebatch offers no uploads to Anthropic yet.
  if (part.kind === 'file') return { type: 'document', source: { type: 'file', file_id: part.uri } };
  const source = { type: 'base64' as const, media_type: part.mimeType, data: part.base64 };
  return IMAGE_TYPES.has(part.mimeType) ? { type: 'image', source } : { type: 'document', source };
}

function toolJson(tool: ToolSpec): Record<string, unknown> {
  // Anthropic's server-side web search tool (Messages API `web_search_20250305`).
  if (tool.kind === 'web-search') return { type: 'web_search_20250305', name: 'web_search' };
  if (tool.kind === 'url-context') return { type: 'web_fetch_20250910', name: 'web_fetch' };
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters ?? { type: 'object', properties: {} },
  };
}

function thinkingJson(thinking: NonNullable<GenerationOptions['thinking']>): Record<string, unknown> | undefined {
  const budget = thinking.budgetTokens;
  if (budget === undefined || budget === 0) return undefined;
  return budget < 0 ? { type: 'adaptive' } : { type: 'enabled', budget_tokens: budget };
}

/** The `params` of a batch request (without `model`), members in a fixed order so the bytes are deterministic. */
export function anthropicParamsOf(request: NeutralRequest): Record<string, unknown> {
  const options = request.generation;
  const params: Record<string, unknown> = { max_tokens: options.maxOutputTokens ?? DEFAULT_MAX_TOKENS };
  if (request.system !== undefined) params['system'] = request.system;
  params['messages'] = [{ role: 'user', content: request.content.map(block) }];
  if (options.temperature !== undefined) params['temperature'] = options.temperature;
  if (options.topP !== undefined) params['top_p'] = options.topP;
  if (options.topK !== undefined) params['top_k'] = options.topK;
  if (options.stopSequences !== undefined) params['stop_sequences'] = options.stopSequences;
  const thinking = options.thinking === undefined ? undefined : thinkingJson(options.thinking);
  if (thinking !== undefined) params['thinking'] = thinking;
  if (request.tools !== undefined) {
    params['tools'] = request.tools.map(toolJson);
    const answer = request.tools.find((tool) => tool.kind === 'function' && tool.answer === true);
    if (answer?.kind === 'function') params['tool_choice'] = { type: 'tool', name: answer.name };
  }
  if (options.outputSchema !== undefined) params['output_config'] = { format: { type: 'json_schema', schema: options.outputSchema } };
  return params;
}

function neutralPart(value: unknown, at: string): RequestPart {
  if (isRecord(value)) {
    if (value['type'] === 'text' && typeof value['text'] === 'string') return { kind: 'text', text: value['text'] };
    const source = value['source'];
    if ((value['type'] === 'document' || value['type'] === 'image') && isRecord(source)) {
      if (source['type'] === 'base64' && typeof source['media_type'] === 'string' && typeof source['data'] === 'string') {
        return { kind: 'inline', mimeType: source['media_type'], base64: source['data'] };
      }
      if (source['type'] === 'file' && typeof source['file_id'] === 'string') {
        return { kind: 'file', uri: source['file_id'], mimeType: 'application/pdf' };
      }
    }
  }
  throw new InputError(at, 'is not a text, document or image block truebatch writes');
}

function neutralTool(value: unknown, answerName: string | undefined, at: string): ToolSpec {
  if (!isRecord(value)) throw new InputError(at, 'must be an object');
  if (value['name'] === 'web_search') return { kind: 'web-search' };
  if (value['name'] === 'web_fetch') return { kind: 'url-context' };
  const { name, description, input_schema: parameters } = value;
  if (typeof name !== 'string') throw new InputError(at, 'has no name');
  return {
    kind: 'function',
    name,
    ...(typeof description === 'string' ? { description } : {}),
    ...(isRecord(parameters) ? { parameters } : {}),
    ...(name === answerName ? { answer: true as const } : {}),
  };
}

const KNOWN = new Set(['max_tokens', 'system', 'messages', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'thinking', 'tools', 'tool_choice', 'output_config']);

/** The neutral request of `params` truebatch wrote (a stored body). Throws InputError otherwise. */
export function decodeAnthropicRequest(requestJson: string): NeutralRequest {
  const body = parseJsonObject(requestJson, 'request');
  const unknown = Object.keys(body).filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) throw new InputError('request', `has members truebatch never wrote: ${unknown.join(', ')}`);
  const messages = body['messages'];
  const turn: unknown = Array.isArray(messages) && messages.length === 1 ? messages[0] : undefined;
  if (!isRecord(turn) || turn['role'] !== 'user' || !Array.isArray(turn['content'])) {
    throw new InputError('request.messages', 'must be one user message with content blocks');
  }
  const content = (turn['content'] as unknown[]).map((part, index) => neutralPart(part, `request.messages[0].content[${index}]`));
  const generation: Record<string, unknown> = { maxOutputTokens: body['max_tokens'] };
  for (const [wire, neutral] of [['temperature', 'temperature'], ['top_p', 'topP'], ['top_k', 'topK'], ['stop_sequences', 'stopSequences']] as const) {
    if (body[wire] !== undefined) generation[neutral] = body[wire];
  }
  const thinking = body['thinking'];
  if (isRecord(thinking)) generation['thinking'] = { budgetTokens: thinking['type'] === 'adaptive' ? -1 : thinking['budget_tokens'] };
  const format = isRecord(body['output_config']) ? body['output_config']['format'] : undefined;
  if (isRecord(format) && isRecord(format['schema'])) generation['outputSchema'] = format['schema'];
  const choice = body['tool_choice'];
  const answerName = isRecord(choice) && typeof choice['name'] === 'string' ? choice['name'] : undefined;
  const tools = body['tools'];
  if (tools !== undefined && !Array.isArray(tools)) throw new InputError('request.tools', 'must be an array');
  const system = body['system'];
  if (system !== undefined && typeof system !== 'string') throw new InputError('request.system', 'must be text');
  return {
    ...(system === undefined ? {} : { system }),
    content,
    generation,
    ...(tools === undefined ? {} : { tools: tools.map((tool, index) => neutralTool(tool, answerName, `request.tools[${index}]`)) }),
  };
}

/** Why Anthropic would refuse every request like `request`, or undefined. */
export function anthropicRequestProblem(_model: string, request: NeutralRequest): string | undefined {
  if (request.embedding !== undefined) return 'Anthropic has no embedding models; use another provider for an embed stage';
  const options = request.generation;
  if (options.candidateCount !== undefined && options.candidateCount !== 1) return 'Anthropic returns one answer per request: candidateCount must be 1 or unset';
  if (options.seed !== undefined) return 'Anthropic takes no seed: remove generationConfig.seed';
  if (options.outputOpenApiSchema !== undefined && options.outputSchema === undefined) {
    return 'Anthropic takes a JSON Schema for structured output (responseJsonSchema), not an OpenAPI schema (responseSchema)';
  }
  const budget = options.thinking?.budgetTokens;
  if (budget !== undefined && budget > 0 && budget < 1024) return `Anthropic's thinking budget must be at least 1024 tokens, got ${budget}`;
  if (request.cachedContext !== undefined) return 'Anthropic has no explicit context caches in truebatch';
  for (const part of request.content) {
    if (part.kind === 'file') return 'Anthropic takes PDFs and images inline in the batch: set documents.travel: inline for the stage';
    if (part.kind === 'inline' && part.mimeType !== 'application/pdf' && !IMAGE_TYPES.has(part.mimeType)) {
      return `Anthropic takes PDFs and JPEG, PNG, GIF or WebP images as documents, not ${part.mimeType}`;
    }
  }
  return undefined;
}

function estimateTokens(request: NeutralRequest): { input: number; output: number } {
  let input = request.system === undefined ? 0 : estimateTextTokens(request.system);
  for (const part of request.content) {
    if (part.kind === 'text') input += estimateTextTokens(part.text);
    else if (IMAGE_TYPES.has(part.mimeType)) input += IMAGE_TOKENS;
    else input += PDF_PAGE_TOKENS * (part.pages ?? 1);
  }
  if (request.tools !== undefined) input += estimateTextTokens(JSON.stringify(request.tools.map(toolJson)));
  const schema = request.generation.outputSchema;
  const schemaTokens = schema === undefined ? 0 : estimateTextTokens(JSON.stringify(schema));
  input += schemaTokens;
  const budget = request.generation.thinking?.budgetTokens ?? 0;
  const guess = (schema === undefined ? DEFAULT_OUTPUT_GUESS : 2 * schemaTokens) + Math.max(budget, 0);
  return { input, output: Math.min(guess, request.generation.maxOutputTokens ?? DEFAULT_MAX_TOKENS) };
}

/** The Anthropic codec: Anthropic's Message Batches and its emulator write and read the same params. */
export const anthropicRequestCodec: RequestCodec = {
  provider: ANTHROPIC_PROVIDER_NAME,
  encode: (request) => JSON.stringify(anthropicParamsOf(request)),
  decode: decodeAnthropicRequest,
  appendText(requestJson, text) {
    const params = JSON.parse(requestJson) as { messages?: { content?: unknown[] }[] };
    params.messages?.[0]?.content?.push({ type: 'text', text });
    return JSON.stringify(params);
  },
  estimateTokens,
  requestProblem: anthropicRequestProblem,
};
