/**
 * @module The REST schema of a batch request, as the real service checks it at create: field names per message
 * (lowerCamelCase, or the snake_case spelling proto JSON also accepts), so an unknown field, or a real one at the
 * wrong level (flat `thinking_config`, an SDK-style `config`), is found before a job exists. Values the schema
 * leaves open (`Struct`, `Value`, maps) are not looked into; what a field's value means is the model's business,
 * checked per line when the job runs.
 *
 * Sources: DOC-ref `GenerateContentRequest`, `GenerationConfig`, `Schema`, `Tool`, `ToolConfig` (ai.google.dev/api);
 * refusal at create: python-genai#1451, java-genai#446, inspect_ai#3257 (spec §3.2, D.3).
 */
import { isJsonObject } from './proto-json.ts';

/** Every message a GenerateContentRequest can hold, by the REST reference; each field's type. */
const MESSAGES = {
  GenerateContentRequest: {
    model: 'scalar',
    contents: 'Content',
    tools: 'Tool',
    toolConfig: 'ToolConfig',
    safetySettings: 'SafetySetting',
    systemInstruction: 'Content',
    generationConfig: 'GenerationConfig',
    cachedContent: 'scalar',
    labels: 'any',
    serviceTier: 'scalar',
    store: 'scalar',
  },
  Content: { role: 'scalar', parts: 'Part' },
  Part: {
    text: 'scalar',
    inlineData: 'Blob',
    fileData: 'FileData',
    functionCall: 'FunctionCall',
    functionResponse: 'FunctionResponse',
    executableCode: 'ExecutableCode',
    codeExecutionResult: 'CodeExecutionResult',
    thought: 'scalar',
    thoughtSignature: 'scalar',
    videoMetadata: 'VideoMetadata',
    partMetadata: 'any',
    mediaResolution: 'any',
  },
  Blob: { mimeType: 'scalar', data: 'scalar', displayName: 'scalar' },
  FileData: { mimeType: 'scalar', fileUri: 'scalar', displayName: 'scalar' },
  FunctionCall: { id: 'scalar', name: 'scalar', args: 'any' },
  FunctionResponse: { id: 'scalar', name: 'scalar', response: 'any', parts: 'any', willContinue: 'scalar', scheduling: 'scalar' },
  ExecutableCode: { language: 'scalar', code: 'scalar' },
  CodeExecutionResult: { outcome: 'scalar', output: 'scalar' },
  VideoMetadata: { startOffset: 'scalar', endOffset: 'scalar', fps: 'scalar' },
  SafetySetting: { category: 'scalar', threshold: 'scalar' },
  GenerationConfig: {
    stopSequences: 'scalar',
    responseMimeType: 'scalar',
    responseSchema: 'Schema',
    responseJsonSchema: 'any',
    responseModalities: 'scalar',
    candidateCount: 'scalar',
    maxOutputTokens: 'scalar',
    temperature: 'scalar',
    topP: 'scalar',
    topK: 'scalar',
    seed: 'scalar',
    presencePenalty: 'scalar',
    frequencyPenalty: 'scalar',
    responseLogprobs: 'scalar',
    logprobs: 'scalar',
    enableEnhancedCivicAnswers: 'scalar',
    speechConfig: 'any',
    thinkingConfig: 'ThinkingConfig',
    imageConfig: 'any',
    mediaResolution: 'scalar',
  },
  ThinkingConfig: { includeThoughts: 'scalar', thinkingBudget: 'scalar', thinkingLevel: 'scalar' },
  Schema: {
    type: 'scalar',
    format: 'scalar',
    title: 'scalar',
    description: 'scalar',
    nullable: 'scalar',
    enum: 'scalar',
    maxItems: 'scalar',
    minItems: 'scalar',
    properties: 'map:Schema',
    required: 'scalar',
    minProperties: 'scalar',
    maxProperties: 'scalar',
    minLength: 'scalar',
    maxLength: 'scalar',
    pattern: 'scalar',
    example: 'any',
    anyOf: 'Schema',
    propertyOrdering: 'scalar',
    default: 'any',
    items: 'Schema',
    minimum: 'scalar',
    maximum: 'scalar',
  },
  Tool: {
    functionDeclarations: 'FunctionDeclaration',
    googleSearchRetrieval: 'any',
    codeExecution: 'any',
    googleSearch: 'any',
    urlContext: 'any',
    computerUse: 'any',
    fileSearch: 'any',
    googleMaps: 'any',
  },
  FunctionDeclaration: {
    name: 'scalar',
    description: 'scalar',
    behavior: 'scalar',
    parameters: 'Schema',
    parametersJsonSchema: 'any',
    response: 'Schema',
    responseJsonSchema: 'any',
  },
  ToolConfig: { functionCallingConfig: 'FunctionCallingConfig', retrievalConfig: 'any' },
  FunctionCallingConfig: { mode: 'scalar', allowedFunctionNames: 'scalar' },
  /** An inline request: the request and its metadata (DOC-ref InlinedRequest). */
  InlinedRequest: { request: 'GenerateContentRequest', metadata: 'any' },
  /** A JSONL input line: only `key` and `request` (DOC-guide "Input file"); a line-level `config` is refused. */
  BatchLine: { key: 'scalar', request: 'GenerateContentRequest' },
} as const satisfies Record<string, Record<string, string>>;

type MessageName = keyof typeof MESSAGES;

/** A field's type: a message of this schema, a map of messages (`map:Schema`), a scalar, or open JSON (`any`). */
type FieldType = 'scalar' | 'any' | `map:${MessageName}` | MessageName;

/** What is wrong with a request: a field the schema has no place for, or a message given as a scalar. */
export interface SchemaViolation {
  /** The field as it was spelled, e.g. `thinking_config`. */
  readonly field: string;
  /** Where it is, in snake_case as Google's messages print it: `request.generation_config`. */
  readonly parent: string;
  readonly kind: 'unknown-field' | 'not-an-object';
}

/** `thinking_config` → `thinkingConfig`; a camelCase name is unchanged. */
function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function checkValue(value: unknown, type: FieldType, path: string, field: string): SchemaViolation | undefined {
  if (type === 'scalar' || type === 'any' || value === null) return undefined;
  // A repeated field is an array of its type.
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = checkValue(item, type, `${path}[${index}]`, field);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isJsonObject(value)) return { field, parent: path, kind: 'not-an-object' };
  if (type.startsWith('map:')) {
    const itemType = type.slice('map:'.length) as MessageName;
    for (const [name, item] of Object.entries(value)) {
      const found = checkValue(item, itemType, `${path}.${name}`, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return checkMessage(value, type as MessageName, path);
}

function checkMessage(object: Record<string, unknown>, message: MessageName, path: string): SchemaViolation | undefined {
  const fields: Readonly<Record<string, FieldType>> = MESSAGES[message];
  for (const [name, value] of Object.entries(object)) {
    const type = fields[toCamelCase(name)];
    if (type === undefined) return { field: name, parent: path, kind: 'unknown-field' };
    const found = checkValue(value, type, path === '' ? toSnakeCase(toCamelCase(name)) : `${path}.${toSnakeCase(toCamelCase(name))}`, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first schema violation of an inline `{request, metadata}` item, if any. `path` prefixes the reported location. */
export function inlinedRequestViolation(item: Record<string, unknown>, path: string): SchemaViolation | undefined {
  return checkMessage(item, 'InlinedRequest', path);
}

/** The first schema violation of a parsed JSONL input line `{"key","request"}`, if any. */
export function lineViolation(line: Record<string, unknown>): SchemaViolation | undefined {
  return checkMessage(line, 'BatchLine', '');
}
