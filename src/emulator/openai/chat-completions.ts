/**
 * @module One `/v1/chat/completions` request answered by the emulator's simulated model (model/, not forked):
 * the chat body is translated into the GenerateContentRequest the model reads (messages → contents and
 * systemInstruction; `response_format` json_schema/json_object → a JSON answer following the schema; temperature,
 * top_p, n, stop, max_completion_tokens/max_tokens, seed; function `tools` and `tool_choice`), and its answer into
 * a `chat.completion` object with OpenAI's `usage` (completion_tokens include reasoning tokens, as OpenAI counts
 * them) and `tool_calls` for a forced call. Content parts: `text`, `image_url` and `file` (`file_data`) given as
 * base64 data (platform.openai.com "Images", "File inputs") become inline media the emulator reads (PDF text and
 * pages); an image URL to fetch, a `file_id` and audio are refused with a 400 line.
 */
import { answerRequest } from '../batch-lines.ts';
import type { DocumentReader } from '../document-reading.ts';
import type { LineFaults } from '../faults.ts';
import { sha256Hex } from '../../shared/index.ts';
import { isJsonObject, type JsonObject } from '../proto-json.ts';

/** A line's HTTP answer: the `response` of an output line. */
export interface ChatAnswer {
  statusCode: number;
  body: JsonObject;
  /** Token usage of a 200 answer (for the batch's `usage`). */
  usage?: ChatUsage;
}

/** The usage numbers a batch adds up. */
export interface ChatUsage {
  prompt: number;
  cached: number;
  completion: number;
  reasoning: number;
}

/** What an answer depends on besides the body. */
export interface ChatContext {
  seed: number;
  customId: string;
  submission: number;
  faults: LineFaults;
  /** Unix seconds for `created`. */
  created: number;
  /** Reads inline PDFs and images (the emulator's document reader). */
  documents?: DocumentReader | undefined;
}

/** A 4xx/5xx answer with OpenAI's error body. */
export function errorAnswer(statusCode: number, message: string, param: string | null = null, code: string | null = null): ChatAnswer {
  const type = statusCode === 429 ? 'rate_limit_error' : statusCode >= 500 ? 'server_error' : 'invalid_request_error';
  return { statusCode, body: { error: { message, type, param, code } } };
}

/** Models that reason (o-series, gpt-5…) report reasoning tokens; others think 0 (OpenAI reasoning guide). */
function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** One content part as Gemini parts read it, or the 400 OpenAI's batch line would get. */
function partOf(part: unknown, where: string): JsonObject | ChatAnswer {
  if (!isJsonObject(part)) return errorAnswer(400, `Invalid type for '${where}': expected an object.`, where, 'invalid_type');
  const type = part['type'];
  if (type === 'text' && typeof part['text'] === 'string') return { text: part['text'] };
  if (type === 'image_url' && isJsonObject(part['image_url']) && typeof part['image_url']['url'] === 'string') {
    const data = DATA_URL.exec(part['image_url']['url']);
    if (data === null) return errorAnswer(400, `The emulator reads images given as base64 data URLs only ('${where}.image_url.url').`, `${where}.image_url.url`, 'invalid_value');
    return { inlineData: { mimeType: data[1], data: data[2] } };
  }
  if (type === 'file' && isJsonObject(part['file'])) {
    const file = part['file'];
    if (typeof file['file_data'] !== 'string') {
      return errorAnswer(400, `The emulator reads files given inline as 'file_data' only, not by 'file_id' ('${where}.file').`, `${where}.file`, 'invalid_value');
    }
    // `file_data` is a data URL (or bare base64, read as a PDF).
    const data = DATA_URL.exec(file['file_data']);
    return { inlineData: { mimeType: data?.[1] ?? 'application/pdf', data: data?.[2] ?? file['file_data'] } };
  }
  return errorAnswer(400, `Invalid content part at '${where}': the emulator reads text, image_url and file parts.`, where, 'invalid_value');
}

function partsOf(content: unknown, where: string): JsonObject[] | ChatAnswer {
  if (typeof content === 'string') return [{ text: content }];
  if (content === null || content === undefined) return [{ text: '' }];
  if (!Array.isArray(content)) return errorAnswer(400, `Invalid type for '${where}': expected a string or an array of content parts.`, where, 'invalid_type');
  const parts: JsonObject[] = [];
  for (const [index, part] of content.entries()) {
    const read = partOf(part, `${where}[${index}]`);
    if ('statusCode' in read) return read as unknown as ChatAnswer;
    parts.push(read);
  }
  return parts.length === 0 ? [{ text: '' }] : parts;
}

/** `tools` (functions) and `tool_choice` as Gemini function declarations and calling config. */
function toolsOf(body: JsonObject): JsonObject {
  const tools = Array.isArray(body['tools']) ? body['tools'] : [];
  const declarations = tools.flatMap((tool) => {
    const fn = isJsonObject(tool) && tool['type'] === 'function' && isJsonObject(tool['function']) ? tool['function'] : undefined;
    if (fn === undefined || typeof fn['name'] !== 'string') return [];
    return [{ name: fn['name'], ...(isJsonObject(fn['parameters']) ? { parametersJsonSchema: fn['parameters'] } : {}) }];
  });
  if (declarations.length === 0) return {};
  const choice = body['tool_choice'];
  const named = isJsonObject(choice) && isJsonObject(choice['function']) ? choice['function']['name'] : undefined;
  // `required` or a named function forces a call (OpenAI function-calling guide, "tool_choice"); `auto` answers text here.
  const forced = choice === 'required' || typeof named === 'string';
  return {
    tools: [{ functionDeclarations: declarations }],
    ...(forced ? { toolConfig: { functionCallingConfig: { mode: 'ANY', ...(typeof named === 'string' ? { allowedFunctionNames: [named] } : {}) } } } : {}),
  };
}

/**
 * Strict structured outputs need `additionalProperties: false` and every property required on each object
 * (OpenAI structured-outputs guide, "Supported schemas"); the real 400 words it "Invalid schema for
 * response_format '<name>': In context=(…), …".
 */
function strictSchemaProblem(schema: unknown, context: string[]): string | undefined {
  if (!isJsonObject(schema)) return undefined;
  const where = `In context=(${context.map((part) => `'${part}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
  const properties = schema['properties'];
  if (schema['type'] === 'object' || isJsonObject(properties)) {
    if (schema['additionalProperties'] !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const keys = isJsonObject(properties) ? Object.keys(properties) : [];
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    const missing = keys.find((key) => !required.includes(key));
    if (missing !== undefined) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    for (const key of keys) {
      const problem = strictSchemaProblem((properties as JsonObject)[key], [...context, 'properties', key]);
      if (problem !== undefined) return problem;
    }
  }
  for (const nested of ['items', 'anyOf', '$defs', 'definitions'] as const) {
    const value = schema[nested];
    const children: [string, unknown][] = Array.isArray(value)
      ? value.map((child, index) => [String(index), child])
      : isJsonObject(value)
        ? nested === 'items'
          ? [['', value]]
          : Object.entries(value)
        : [];
    for (const [name, child] of children) {
      const problem = strictSchemaProblem(child, name === '' ? [...context, nested] : [...context, nested, name]);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function generationConfigOf(body: JsonObject, model: string): JsonObject | ChatAnswer {
  const config: JsonObject = {};
  const format = body['response_format'];
  if (isJsonObject(format)) {
    if (format['type'] === 'json_object') config['responseMimeType'] = 'application/json';
    else if (format['type'] === 'json_schema') {
      const spec = format['json_schema'];
      if (!isJsonObject(spec) || !isJsonObject(spec['schema'])) {
        return errorAnswer(400, "Missing required parameter: 'response_format.json_schema.schema'.", 'response_format.json_schema.schema', 'missing_required_parameter');
      }
      if (spec['strict'] === true) {
        const problem = strictSchemaProblem(spec['schema'], []);
        const name = typeof spec['name'] === 'string' ? spec['name'] : '';
        if (problem !== undefined) return errorAnswer(400, `Invalid schema for response_format '${name}': ${problem}`, 'response_format', 'invalid_json_schema');
      }
      config['responseMimeType'] = 'application/json';
      config['responseJsonSchema'] = spec['schema'];
    }
  }
  const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
  if (maxTokens !== undefined && maxTokens !== null) config['maxOutputTokens'] = maxTokens;
  if (body['temperature'] !== undefined && body['temperature'] !== null) config['temperature'] = body['temperature'];
  if (body['top_p'] !== undefined && body['top_p'] !== null) config['topP'] = body['top_p'];
  if (body['n'] !== undefined && body['n'] !== null) config['candidateCount'] = body['n'];
  const stop = body['stop'];
  if (typeof stop === 'string') config['stopSequences'] = [stop];
  else if (Array.isArray(stop)) config['stopSequences'] = stop;
  if (!isReasoningModel(model)) config['thinkingConfig'] = { thinkingBudget: 0 };
  return config;
}

/** The GenerateContentRequest for a chat body, or the 400 OpenAI would answer. */
function generateRequestOf(body: JsonObject, model: string): JsonObject | ChatAnswer {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return errorAnswer(400, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (messages.length === 0) return errorAnswer(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  const system: string[] = [];
  const contents: JsonObject[] = [];
  for (const [index, message] of messages.entries()) {
    const where = `messages[${index}]`;
    if (!isJsonObject(message) || typeof message['role'] !== 'string') return errorAnswer(400, `Missing required parameter: '${where}.role'.`, `${where}.role`, 'missing_required_parameter');
    const parts = partsOf(message['content'], `${where}.content`);
    if (!Array.isArray(parts)) return parts;
    const role = message['role'];
    if (role === 'system' || role === 'developer') system.push(parts.map((part) => (typeof part['text'] === 'string' ? part['text'] : '')).join('\n'));
    else if (role === 'user' || role === 'tool' || role === 'function') contents.push({ role: 'user', parts });
    else if (role === 'assistant') contents.push({ role: 'model', parts });
    else return errorAnswer(400, `Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `${where}.role`, 'invalid_value');
  }
  // Only system messages: they are the prompt.
  const systemOnly = contents.length === 0;
  if (systemOnly) contents.push({ role: 'user', parts: [{ text: system.join('\n') }] });
  const generationConfig = generationConfigOf(body, model);
  if ('statusCode' in generationConfig) return generationConfig;
  return {
    contents,
    ...(system.length > 0 && !systemOnly ? { systemInstruction: { parts: [{ text: system.join('\n') }] } } : {}),
    generationConfig,
    ...toolsOf(body),
  };
}

const FINISH_REASONS: Readonly<Record<string, string>> = { STOP: 'stop', MAX_TOKENS: 'length' };

function numberField(object: unknown, name: string): number {
  return isJsonObject(object) && typeof object[name] === 'number' ? object[name] : 0;
}

/** The chat.completion for the model's GenerateContentResponse. */
function completionOf(response: JsonObject, model: string, context: ChatContext): ChatAnswer {
  const usageMetadata = response['usageMetadata'];
  const reasoning = numberField(usageMetadata, 'thoughtsTokenCount');
  const usage: ChatUsage = {
    prompt: numberField(usageMetadata, 'promptTokenCount'),
    cached: numberField(usageMetadata, 'cachedContentTokenCount'),
    completion: numberField(usageMetadata, 'candidatesTokenCount') + reasoning,
    reasoning,
  };
  const candidates = Array.isArray(response['candidates']) ? response['candidates'] : [];
  // A blocked or empty answer has no candidate: OpenAI's equivalent is a content_filter finish with no content.
  const choices = (candidates.length === 0 ? [undefined] : candidates).map((candidate, index) => {
    const content = isJsonObject(candidate) && isJsonObject(candidate['content']) ? candidate['content'] : undefined;
    const parts = content !== undefined && Array.isArray(content['parts']) ? content['parts'] : [];
    const text = parts
      .filter((part): part is JsonObject => isJsonObject(part) && part['thought'] !== true && typeof part['text'] === 'string')
      .map((part) => part['text'] as string)
      .join('');
    const reason = isJsonObject(candidate) && typeof candidate['finishReason'] === 'string' ? candidate['finishReason'] : undefined;
    const calls = parts.flatMap((part, callIndex) => {
      const call = isJsonObject(part) && isJsonObject(part['functionCall']) ? part['functionCall'] : undefined;
      if (call === undefined) return [];
      const id = `call_${sha256Hex(`${context.seed}:${context.customId}:${index}:${callIndex}`).slice(0, 24)}`;
      return [{ id, type: 'function', function: { name: call['name'], arguments: JSON.stringify(call['args'] ?? {}) } }];
    });
    if (calls.length > 0) {
      const message = { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: calls };
      return { index, message, logprobs: null, finish_reason: 'tool_calls' };
    }
    return {
      index,
      message: { role: 'assistant', content: candidate === undefined ? null : text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: (reason === undefined ? undefined : FINISH_REASONS[reason]) ?? 'content_filter',
    };
  });
  const responseId = typeof response['responseId'] === 'string' ? response['responseId'] : sha256Hex(context.customId);
  return {
    statusCode: 200,
    usage,
    body: {
      id: `chatcmpl-${responseId}`,
      object: 'chat.completion',
      created: context.created,
      model,
      choices,
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
        prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: usage.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: `fp_${sha256Hex(model).slice(0, 10)}`,
    },
  };
}

/** Answers one chat completions body (never throws). */
export async function answerChatCompletion(body: JsonObject, context: ChatContext): Promise<ChatAnswer> {
  const model = body['model'];
  if (typeof model !== 'string' || model === '') return errorAnswer(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const request = generateRequestOf(body, model);
  if ('statusCode' in request) return request as unknown as ChatAnswer;
  const seedValue = body['seed'];
  // OpenAI's `seed` picks another deterministic answer, as a different emulator seed would.
  const seed = typeof seedValue === 'number' ? Number.parseInt(sha256Hex(`${context.seed}:${seedValue}`).slice(0, 8), 16) : context.seed;
  const line = await answerRequest(request, context.customId, {
    seed,
    model,
    faults: context.faults,
    where: `custom_id ${context.customId}`,
    submission: context.submission,
    documents: context.documents,
  });
  if ('error' in line) {
    // A scripted server error in OpenAI's words (the model's own are Google's).
    const message = line.error.code >= 500 ? 'The server had an error while processing your request. Sorry about that!' : line.error.message;
    return errorAnswer(line.error.code, message);
  }
  return completionOf(line.response, model, context);
}
