/**
 * @module The OpenAI request codec: a neutral request as the `body` of a Chat Completions batch line (without
 * `model`, which the provider adds when it writes the file OpenAI takes: openai-input.ts), read back, and estimated.
 * Light (no SDK). Chat Completions is the endpoint: every current model takes it, with strict JSON schema answers,
 * PDFs as file parts and images as data URLs (platform.openai.com "Structured Outputs", "File inputs", "Images").
 */
import { estimateTextTokens } from '../../cost/index.ts';
import type { GenerationOptions, NeutralRequest, RequestPart, ToolSpec } from '../../requests/index.ts';
import { InputError, isRecord, parseJsonObject } from '../../shared/index.ts';
import type { RequestCodec, RequestTokenEstimate } from '../request-codec.ts';
import { strictSchemaOf } from './openai-schema.ts';

/** The name of the provider, part of every fingerprint. */
export const OPENAI = 'openai';

/** The batch endpoint every line is sent to (the batch's `endpoint` and each line's `url`). */
export const OPENAI_ENDPOINT = '/v1/chat/completions';

/** The name OpenAI's `json_schema` response format requires. */
const SCHEMA_NAME = 'answer';

/** What a PDF part is called in a file part (OpenAI requires a filename beside `file_data`). */
const PDF_FILENAME = 'document.pdf';

/** Tokens guessed per PDF page or image (OpenAI bills a PDF page as its text plus an image of it). */
const MEDIA_PART_TOKENS = 765;
/** The output guess without a response schema. */
const DEFAULT_OUTPUT_TOKENS = 1024;
/** A JSON answer is guessed at this many times the tokens of its response schema. */
const SCHEMA_OUTPUT_MULTIPLIER = 2;

type Json = Record<string, unknown>;

function dataUrl(mimeType: string, base64: string): string {
  return `data:${mimeType};base64,${base64}`;
}

function contentPart(part: RequestPart): Json {
  if (part.kind === 'text') return { type: 'text', text: part.text };
  if (part.kind === 'file') return { type: 'file', file: { file_id: part.uri } };
  if (part.mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url: dataUrl(part.mimeType, part.base64) } };
  return { type: 'file', file: { filename: PDF_FILENAME, file_data: dataUrl(part.mimeType, part.base64) } };
}

/** The `response_format` of the generation options, if any (an untranslatable schema is sent as given: see requestProblem). */
function responseFormat(generation: GenerationOptions): Json | undefined {
  if (generation.outputSchema !== undefined) {
    const strict = strictSchemaOf(generation.outputSchema);
    return {
      type: 'json_schema',
      json_schema: { name: SCHEMA_NAME, strict: strict.ok, schema: strict.ok ? strict.schema : generation.outputSchema },
    };
  }
  return generation.outputMimeType === 'application/json' ? { type: 'json_object' } : undefined;
}

/** Generation options in the order the stage gave them; what OpenAI has no word for is left to requestProblem. */
function generationMembers(generation: GenerationOptions): Json {
  const body: Json = {};
  for (const name of Object.keys(generation) as (keyof GenerationOptions)[]) {
    const value = generation[name];
    if (name === 'temperature') body['temperature'] = value;
    else if (name === 'topP') body['top_p'] = value;
    else if (name === 'maxOutputTokens') body['max_completion_tokens'] = value;
    else if (name === 'candidateCount') body['n'] = value;
    else if (name === 'stopSequences') body['stop'] = value;
    else if (name === 'seed') body['seed'] = value;
    else if (name === 'outputSchema' || name === 'outputMimeType') {
      const format = responseFormat(generation);
      if (format !== undefined && body['response_format'] === undefined) body['response_format'] = format;
    }
  }
  return body;
}

function toolsMembers(tools: readonly ToolSpec[] | undefined): Json {
  const functions = (tools ?? []).flatMap((tool) => (tool.kind === 'function' ? [tool] : []));
  if (functions.length === 0) return {};
  const answer = functions.find((tool) => tool.answer === true);
  return {
    tools: functions.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
      },
    })),
    ...(answer === undefined ? {} : { tool_choice: { type: 'function', function: { name: answer.name } } }),
  };
}

/** The Chat Completions body of `request`, without `model`. */
export function openAiBodyOf(request: NeutralRequest): Json {
  const messages: Json[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  messages.push({ role: 'user', content: request.content.map(contentPart) });
  return { messages, ...generationMembers(request.generation), ...toolsMembers(request.tools) };
}

/** Why OpenAI (through this codec) would refuse every request like `request`, or undefined. */
export function openAiRequestProblem(model: string, request: NeutralRequest): string | undefined {
  const { generation } = request;
  if (/^(models\/)?(gemini|gemma|claude)/i.test(model)) return `${model} is not an OpenAI model: set the stage's model to one OpenAI serves (e.g. gpt-4.1-mini)`;
  if (request.embedding !== undefined) return 'the OpenAI provider does not run embedding stages yet (its batches call /v1/chat/completions)';
  if (request.cachedContext !== undefined) return 'OpenAI has no explicit context caches (it caches repeated prompt prefixes on its own)';
  const builtIn = request.tools?.find((tool) => tool.kind !== 'function');
  if (builtIn !== undefined) return `OpenAI's Chat Completions batches have no ${builtIn.kind} tool`;
  if (generation.topK !== undefined) return 'OpenAI has no topK sampling option; remove topK from the stage';
  if (generation.outputOpenApiSchema !== undefined) {
    return 'OpenAI takes a JSON Schema for structured answers, not an OpenAPI responseSchema: use responseJsonSchema';
  }
  if (generation.thinking !== undefined && (generation.thinking.budgetTokens ?? -1) !== -1) {
    return 'OpenAI reasoning models take an effort level, not a thinking token budget; remove thinkingConfig.thinkingBudget';
  }
  if (generation.thinking?.includeThoughts === true) return 'OpenAI Chat Completions do not return the model\'s thoughts; remove includeThoughts';
  if (generation.outputMimeType !== undefined && !['application/json', 'text/plain'].includes(generation.outputMimeType)) {
    return `OpenAI answers text or JSON, not ${generation.outputMimeType}`;
  }
  if (generation.outputSchema !== undefined) {
    const strict = strictSchemaOf(generation.outputSchema);
    if (!strict.ok) return strict.reason;
  }
  for (const part of request.content) {
    if (part.kind === 'file') {
      return 'the OpenAI provider sends PDFs and images inside the request: set the stage\'s documents.travel to inline';
    }
    if (part.kind === 'inline' && part.mimeType !== 'application/pdf' && !part.mimeType.startsWith('image/')) {
      return `OpenAI takes PDFs and images as documents, not ${part.mimeType}`;
    }
  }
  return undefined;
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function neutralPart(part: unknown, at: string): RequestPart {
  if (isRecord(part)) {
    if (part['type'] === 'text' && typeof part['text'] === 'string') return { kind: 'text', text: part['text'] };
    const image = part['image_url'];
    const url = part['type'] === 'image_url' && isRecord(image) ? image['url'] : undefined;
    const file = part['type'] === 'file' && isRecord(part['file']) ? part['file'] : undefined;
    const data = typeof url === 'string' ? url : file?.['file_data'];
    const match = typeof data === 'string' ? DATA_URL.exec(data) : null;
    if (match) return { kind: 'inline', mimeType: match[1] ?? '', base64: match[2] ?? '' };
    if (typeof file?.['file_id'] === 'string') return { kind: 'file', uri: file['file_id'], mimeType: 'application/pdf' };
  }
  throw new InputError(at, 'is not a text, image_url or file part truebatch writes');
}

function neutralGeneration(body: Json): GenerationOptions {
  const options: Record<string, unknown> = {};
  const names: Record<string, string> = {
    temperature: 'temperature', top_p: 'topP', max_completion_tokens: 'maxOutputTokens', n: 'candidateCount', stop: 'stopSequences', seed: 'seed',
  };
  for (const [name, value] of Object.entries(body)) {
    const neutral = names[name];
    if (neutral !== undefined) options[neutral] = value;
    if (name !== 'response_format' || !isRecord(value)) continue;
    options['outputMimeType'] = 'application/json';
    const schema = isRecord(value['json_schema']) ? value['json_schema']['schema'] : undefined;
    // The strict schema as sent: the stage's own schema is the config's, not the line's.
    if (isRecord(schema)) options['outputSchema'] = schema;
  }
  return options;
}

function neutralTools(body: Json): ToolSpec[] | undefined {
  const tools = body['tools'];
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) throw new InputError('request.tools', 'must be an array');
  const choice = body['tool_choice'];
  const answerName = isRecord(choice) && isRecord(choice['function']) ? choice['function']['name'] : undefined;
  return tools.map((tool, index): ToolSpec => {
    const fn = isRecord(tool) ? tool['function'] : undefined;
    if (!isRecord(fn) || typeof fn['name'] !== 'string') throw new InputError(`request.tools[${index}]`, 'is not a function tool');
    return {
      kind: 'function',
      name: fn['name'],
      ...(typeof fn['description'] === 'string' ? { description: fn['description'] } : {}),
      ...(isRecord(fn['parameters']) ? { parameters: fn['parameters'] } : {}),
      ...(fn['name'] === answerName ? { answer: true as const } : {}),
    };
  });
}

/** The neutral request of a body truebatch wrote (a stored body). Throws InputError otherwise. */
export function decodeOpenAiRequest(requestJson: string): NeutralRequest {
  const body = parseJsonObject(requestJson, 'request');
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw new InputError('request.messages', 'must be a non-empty array');
  const first: unknown = messages[0];
  const system = isRecord(first) && first['role'] === 'system' && typeof first['content'] === 'string' ? first['content'] : undefined;
  const user: unknown = messages[system === undefined ? 0 : 1];
  if (messages.length !== (system === undefined ? 1 : 2) || !isRecord(user) || user['role'] !== 'user' || !Array.isArray(user['content'])) {
    throw new InputError('request.messages', 'must be an optional system message and one user message with content parts');
  }
  const content = (user['content'] as unknown[]).map((part, index) => neutralPart(part, `request.messages[${messages.length - 1}].content[${index}]`));
  const tools = neutralTools(body);
  return {
    ...(system === undefined ? {} : { system }),
    content,
    generation: neutralGeneration(body),
    ...(tools === undefined ? {} : { tools }),
  };
}

/** Estimated tokens, offline: text, schema and tools by truebatch's text rule; a fixed guess per PDF page or image. */
export function estimateOpenAiTokens(request: NeutralRequest): RequestTokenEstimate {
  const { generation } = request;
  const schemaTokens = generation.outputSchema === undefined ? 0 : estimateTextTokens(JSON.stringify(generation.outputSchema));
  let input = schemaTokens + (request.system === undefined ? 0 : estimateTextTokens(request.system));
  if (request.tools !== undefined) input += estimateTextTokens(JSON.stringify(request.tools));
  for (const part of request.content) {
    input += part.kind === 'text' ? estimateTextTokens(part.text) : MEDIA_PART_TOKENS * (part.pages ?? 1);
  }
  const guess = schemaTokens === 0 ? DEFAULT_OUTPUT_TOKENS : SCHEMA_OUTPUT_MULTIPLIER * schemaTokens;
  const perAnswer = Math.min(guess, generation.maxOutputTokens ?? Number.POSITIVE_INFINITY);
  return { input, output: Math.ceil(perAnswer) * (generation.candidateCount ?? 1) };
}

/** The OpenAI codec: OpenAI's Batch API and its emulator write and read the same lines. */
export const openAiRequestCodec: RequestCodec = {
  provider: OPENAI,
  encode: (request) => JSON.stringify(openAiBodyOf(request)),
  decode: decodeOpenAiRequest,
  appendText(requestJson, text) {
    // The stored body as it is, one part longer: its bytes stay what was planned (and shown by `show`).
    const body = parseJsonObject(requestJson, 'request');
    const messages = body['messages'] as { content?: unknown }[] | undefined;
    const user = messages?.[messages.length - 1];
    if (Array.isArray(user?.content)) user.content.push({ type: 'text', text });
    return JSON.stringify(body);
  },
  estimateTokens: estimateOpenAiTokens,
  requestProblem: openAiRequestProblem,
};
