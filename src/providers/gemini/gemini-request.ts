/**
 * @module The Gemini request codec: a neutral request as the `GenerateContentRequest` of a batch input line
 * (`contents`, `systemInstruction`, `generationConfig`), and back. The bytes are those truebatch always wrote, so a
 * stored body and a newly encoded one agree.
 */
import type { GenerationOptions, NeutralRequest, RequestPart, ToolSpec } from '../../requests/index.ts';
import { InputError, deepFreeze, isRecord, parseJsonObject } from '../../shared/index.ts';
import type { RequestCodec } from '../request-codec.ts';
import { decodeGeminiEmbedRequest, encodeGeminiEmbedRequest, estimateEmbedTokens, isEmbedRequestJson } from './gemini-embed-request.ts';
import { MEDIA_PART_TOKENS, estimateRequestTokens } from './gemini-request-tokens.ts';
import { geminiRequestProblem } from './gemini-tool-rules.ts';

/** Neutral options that Gemini's config names alike; the others are renamed (and `thinking` reshaped) below. */
const PLAIN_OPTIONS = ['temperature', 'topP', 'topK', 'maxOutputTokens', 'candidateCount', 'stopSequences', 'seed'] as const;
const RENAMED_OPTIONS = {
  outputMimeType: 'responseMimeType',
  outputSchema: 'responseJsonSchema',
  outputOpenApiSchema: 'responseSchema',
} as const;

type GeminiPart = { text: string } | { fileData: { mimeType: string; fileUri: string } } | { inlineData: { mimeType: string; data: string } };

/** The `GenerateContentRequest` of a batch input line, as truebatch writes it. */
export interface GeminiRequestJson {
  contents: [{ role: 'user'; parts: GeminiPart[] }];
  systemInstruction?: { parts: [{ text: string }] };
  generationConfig?: Record<string, unknown>;
  tools?: unknown[];
  toolConfig?: GeminiToolConfig;
  cachedContent?: string;
}

/** Forces a call of one of the named functions (DOC-ref FunctionCallingConfig.Mode `ANY`). */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'ANY'; allowedFunctionNames: string[] };
}

function geminiPart(part: RequestPart): GeminiPart {
  if (part.kind === 'text') return { text: part.text };
  if (part.kind === 'file') return { fileData: { mimeType: part.mimeType, fileUri: part.uri } };
  return { inlineData: { mimeType: part.mimeType, data: part.base64 } };
}

/** Gemini's config for neutral options, members in the options' order (the stage config's, as always sent). */
function generationConfigOf(options: GenerationOptions): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (name === 'thinking') {
      const thinking = value as NonNullable<GenerationOptions['thinking']>;
      config['thinkingConfig'] = {
        ...(thinking.budgetTokens === undefined ? {} : { thinkingBudget: thinking.budgetTokens }),
        ...(thinking.includeThoughts === undefined ? {} : { includeThoughts: thinking.includeThoughts }),
      };
    } else if (name in RENAMED_OPTIONS) {
      config[RENAMED_OPTIONS[name as keyof typeof RENAMED_OPTIONS]] = value;
    } else {
      config[name] = value;
    }
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

/**
 * The config, frozen, and its JSON, kept per frozen options object (one per stage): the response schema is neither
 * serialised nor counted again for every document.
 */
const configs = new WeakMap<GenerationOptions, { config: Readonly<Record<string, unknown>> | undefined; json: string | undefined }>();

function geminiConfig(options: GenerationOptions): { config: Readonly<Record<string, unknown>> | undefined; json: string | undefined } {
  const cached = configs.get(options);
  if (cached) return cached;
  const config = generationConfigOf(options);
  const made = { config: config === undefined ? undefined : deepFreeze(config), json: config === undefined ? undefined : JSON.stringify(config) };
  if (Object.isFrozen(options)) configs.set(options, made);
  return made;
}

function toolJson(tool: ToolSpec): unknown {
  if (tool.kind === 'web-search') return { googleSearch: {} };
  if (tool.kind === 'url-context') return { urlContext: {} };
  const { name, description, parameters } = tool;
  return { functionDeclarations: [{ name, ...(description === undefined ? {} : { description }), ...(parameters === undefined ? {} : { parametersJsonSchema: parameters }) }] };
}

/** The toolConfig that makes the model answer by calling the answer function(s), if the tools declare one. */
export function geminiToolConfigOf(tools: readonly ToolSpec[] | undefined): GeminiToolConfig | undefined {
  const answers = (tools ?? []).flatMap((tool) => (tool.kind === 'function' && tool.answer === true ? [tool.name] : []));
  return answers.length === 0 ? undefined : { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: answers } };
}

/** The request as a Gemini JSON object (for token estimates and tests). */
export function geminiRequestOf(request: NeutralRequest): GeminiRequestJson {
  const body: GeminiRequestJson = { contents: [{ role: 'user', parts: request.content.map(geminiPart) }] };
  if (request.system !== undefined) body.systemInstruction = { parts: [{ text: request.system }] };
  const { config } = geminiConfig(request.generation);
  if (config !== undefined) body.generationConfig = config;
  if (request.tools !== undefined) body.tools = request.tools.map(toolJson);
  const toolConfig = geminiToolConfigOf(request.tools);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  if (request.cachedContext !== undefined) body.cachedContent = request.cachedContext.name;
  return body;
}

/** `JSON.stringify` of the `GenerateContentRequest`, member order as truebatch has always sent it. */
export function encodeGeminiRequest(request: NeutralRequest): string {
  const parts = request.content.map((part) => JSON.stringify(geminiPart(part))).join(',');
  let json = `{"contents":[{"role":"user","parts":[${parts}]}]`;
  if (request.system !== undefined) json += `,"systemInstruction":{"parts":[{"text":${JSON.stringify(request.system)}}]}`;
  const { json: config } = geminiConfig(request.generation);
  if (config !== undefined) json += `,"generationConfig":${config}`;
  if (request.tools !== undefined) json += `,"tools":${JSON.stringify(request.tools.map(toolJson))}`;
  const toolConfig = geminiToolConfigOf(request.tools);
  if (toolConfig !== undefined) json += `,"toolConfig":${JSON.stringify(toolConfig)}`;
  if (request.cachedContext !== undefined) json += `,"cachedContent":${JSON.stringify(request.cachedContext.name)}`;
  return `${json}}`;
}

function neutralPart(part: unknown, at: string): RequestPart {
  if (isRecord(part)) {
    if (typeof part['text'] === 'string') return { kind: 'text', text: part['text'] };
    const file = part['fileData'];
    if (isRecord(file) && typeof file['fileUri'] === 'string' && typeof file['mimeType'] === 'string') {
      return { kind: 'file', uri: file['fileUri'], mimeType: file['mimeType'] };
    }
    const inline = part['inlineData'];
    if (isRecord(inline) && typeof inline['data'] === 'string' && typeof inline['mimeType'] === 'string') {
      return { kind: 'inline', mimeType: inline['mimeType'], base64: inline['data'] };
    }
  }
  throw new InputError(at, 'is not a text, fileData or inlineData part');
}

function neutralOptions(config: unknown): GenerationOptions {
  if (config === undefined) return {};
  if (!isRecord(config)) throw new InputError('generationConfig', 'must be an object');
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    const renamed = Object.entries(RENAMED_OPTIONS).find(([, gemini]) => gemini === name)?.[0];
    if (renamed !== undefined) options[renamed] = value;
    else if ((PLAIN_OPTIONS as readonly string[]).includes(name)) options[name] = value;
    else if (name === 'thinkingConfig' && isRecord(value)) {
      options['thinking'] = {
        ...(value['thinkingBudget'] === undefined ? {} : { budgetTokens: value['thinkingBudget'] }),
        ...(value['includeThoughts'] === undefined ? {} : { includeThoughts: value['includeThoughts'] }),
      };
    } else throw new InputError(`generationConfig.${name}`, 'has no neutral equivalent');
  }
  return options;
}

/** The neutral request of a `GenerateContentRequest` truebatch wrote (a stored body). Throws InputError otherwise. */
export function decodeGeminiRequest(requestJson: string): NeutralRequest {
  const body = parseJsonObject(requestJson, 'request');
  if (isEmbedRequestJson(body)) return decodeGeminiEmbedRequest(body);
  const known = new Set(['contents', 'systemInstruction', 'generationConfig', 'tools', 'toolConfig', 'cachedContent']);
  const unknown = Object.keys(body).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new InputError('request', `has members truebatch never wrote: ${unknown.join(', ')}`);
  const contents = body['contents'];
  const turn: unknown = Array.isArray(contents) && contents.length === 1 ? contents[0] : undefined;
  if (!isRecord(turn) || turn['role'] !== 'user' || !Array.isArray(turn['parts'])) {
    throw new InputError('request.contents', 'must be one user content with parts');
  }
  const parts = (turn['parts'] as unknown[]).map((part, index) => neutralPart(part, `request.contents[0].parts[${index}]`));
  const system = body['systemInstruction'];
  let systemText: string | undefined;
  if (system !== undefined) {
    const systemParts = isRecord(system) ? system['parts'] : undefined;
    const only: unknown = Array.isArray(systemParts) && systemParts.length === 1 ? systemParts[0] : undefined;
    if (!isRecord(only) || typeof only['text'] !== 'string') throw new InputError('request.systemInstruction', 'must be one text part');
    systemText = only['text'];
  }
  const cached = body['cachedContent'];
  if (cached !== undefined && typeof cached !== 'string') throw new InputError('request.cachedContent', 'must be a name');
  const tools = body['tools'] === undefined ? undefined : neutralTools(body['tools'], body['toolConfig']);
  return {
    ...(systemText === undefined ? {} : { system: systemText }),
    content: parts,
    generation: neutralOptions(body['generationConfig']),
    ...(tools === undefined ? {} : { tools }),
    ...(cached === undefined ? {} : { cachedContext: { name: cached } }),
  };
}

/** The neutral tools of the `tools` (and `toolConfig`) truebatch wrote: see {@link toolJson}. */
function neutralTools(tools: unknown, toolConfig: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) throw new InputError('request.tools', 'must be an array');
  const calling = isRecord(toolConfig) ? toolConfig['functionCallingConfig'] : undefined;
  const allowed = isRecord(calling) && Array.isArray(calling['allowedFunctionNames']) ? (calling['allowedFunctionNames'] as unknown[]) : [];
  return tools.map((tool, index): ToolSpec => {
    if (isRecord(tool) && isRecord(tool['googleSearch'])) return { kind: 'web-search' };
    if (isRecord(tool) && isRecord(tool['urlContext'])) return { kind: 'url-context' };
    const declarations = isRecord(tool) ? tool['functionDeclarations'] : undefined;
    const only: unknown = Array.isArray(declarations) && declarations.length === 1 ? declarations[0] : undefined;
    if (!isRecord(only) || typeof only['name'] !== 'string') throw new InputError(`request.tools[${index}]`, 'is not a tool truebatch writes');
    const { name, description, parametersJsonSchema } = only;
    return {
      kind: 'function',
      name,
      ...(typeof description === 'string' ? { description } : {}),
      ...(isRecord(parametersJsonSchema) ? { parameters: parametersJsonSchema } : {}),
      ...(allowed.includes(name) ? { answer: true as const } : {}),
    };
  });
}

/** The Gemini codec: Google's Batch API and the emulator write and read the same lines. */
export const geminiRequestCodec: RequestCodec = {
  provider: 'gemini',
  encode: (request) => (request.embedding === undefined ? encodeGeminiRequest(request) : encodeGeminiEmbedRequest({ ...request, embedding: request.embedding })),
  decode: decodeGeminiRequest,
  appendText(requestJson, text) {
    // The stored body as it is, one part longer: its bytes stay what was planned (and shown by `show`).
    const request = JSON.parse(requestJson) as { contents?: { parts?: { text?: string }[] }[]; content?: { parts?: { text?: string }[] } };
    (request.content ?? request.contents?.[0])?.parts?.push({ text });
    return JSON.stringify(request);
  },
  estimateTokens(request) {
    if (request.embedding !== undefined) return estimateEmbedTokens(request);
    const estimate = estimateRequestTokens(geminiRequestOf(request));
    // A PDF costs about 258 tokens a page [spec D.3]; the wire body counts each document part as one page.
    const morePages = request.content.reduce((sum, part) => sum + (part.kind !== 'text' && part.pages !== undefined ? part.pages - 1 : 0), 0);
    return { ...estimate, input: estimate.input + morePages * MEDIA_PART_TOKENS };
  },
  requestProblem: geminiRequestProblem,
};

