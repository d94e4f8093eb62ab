/**
 * @module Translates a Messages batch request's `params` into the GenerateContentRequest the simulated model answers
 * (the model speaks Gemini): content (request-content.ts), custom tools and `tool_choice`, server tools
 * (server-tools.ts), `output_config.format`, `max_tokens`, sampling, `thinking` and the `cache_control` prefix
 * (prompt-cache.ts). Shapes follow @anthropic-ai/sdk 1.10 `resources/messages/messages.ts`. A params object the API
 * would refuse throws InputError naming the field in Anthropic's dotted form.
 */
import { estimateTextTokens } from '../model/index.ts';
import { describeJson, type JsonObject } from '../proto-json.ts';
import { CacheTrack, type CachePrefix } from './prompt-cache.ts';
import { fail, messagesOf, numberAt, objectAt, stringAt, systemOf } from './request-content.ts';
import { serverToolKind, type ServerTools } from './server-tools.ts';

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

/** A thinking budget as Gemini's thinkingConfig: thinking is shown (Claude answers with `thinking` blocks). */
function thinkingConfigOf(budget: number): JsonObject {
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
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
  const thinkingBudget = thinkingBudgetOf(params['thinking'], maxTokens);
  // Extended thinking "only supports tool_choice: {type: 'auto'} or {type: 'none'}" (docs.claude.com extended-thinking).
  if (thinkingBudget > 0 && toolConfig !== undefined) fail('tool_choice', 'Thinking may not be enabled when tool_choice forces tool use.');
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
    thinkingConfig: thinkingConfigOf(thinkingBudget),
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
