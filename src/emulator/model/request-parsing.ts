/**
 * @module Validates a GenerateContentRequest (camelCase or snake_case) and normalises it into a
 * {@link SimulatedRequest}, the single form the rest of the simulated model reads.
 */
import { InputError } from '../../shared/index.ts';
import { parseGenerationConfig, type GenerationSettings } from './generation-config.ts';
import { quoteJson } from './json-text.ts';
import { describeJsonKind, optionalString, readObjectFields } from './object-fields.ts';

/** One prompt part: text, a media reference (inline bytes or a file), or a structured part (function call...). */
export type PromptPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'media'; readonly mimeType: string; readonly source: string }
  | { readonly kind: 'structured'; readonly json: string };

/** One turn of the conversation. */
export interface PromptContent {
  readonly role: string;
  readonly parts: readonly PromptPart[];
}

/** A validated request in canonical form: equal for the camelCase and snake_case spellings of one request. */
export interface SimulatedRequest {
  readonly contents: readonly PromptContent[];
  readonly systemInstruction: PromptContent | undefined;
  readonly generation: GenerationSettings;
}

const REQUEST_FIELDS = new Set([
  'model',
  'contents',
  'tools',
  'toolConfig',
  'safetySettings',
  'systemInstruction',
  'generationConfig',
  'cachedContent',
  'labels',
  'serviceTier',
  'store',
]);
const CONTENT_FIELDS = new Set(['role', 'parts']);
const DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
] as const;
const PART_METADATA_FIELDS = ['thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution'];
const PART_FIELDS = new Set<string>([...DATA_FIELDS, ...PART_METADATA_FIELDS]);
const INLINE_DATA_FIELDS = new Set(['mimeType', 'data', 'displayName']);
const FILE_DATA_FIELDS = new Set(['mimeType', 'fileUri', 'displayName']);
const ROLES = new Set(['user', 'model']);

/** Validates and normalises a request. Throws InputError naming the exact field at fault. */
export function parseRequest(request: unknown): SimulatedRequest {
  const fields = readObjectFields(request, 'request', REQUEST_FIELDS);
  const contents = fields.get('contents');
  if (contents === undefined) throw new InputError('request', 'contents is required');
  if (!Array.isArray(contents)) throw new InputError('contents', `must be an array, got ${describeJsonKind(contents)}`);
  if (contents.length === 0) throw new InputError('contents', 'must not be empty');
  const system = fields.get('systemInstruction');
  return {
    contents: contents.map((content, index) => parseContent(content, `contents[${index}]`, true)),
    systemInstruction: system === undefined ? undefined : parseContent(system, 'systemInstruction', false),
    generation: parseGenerationConfig(fields.get('generationConfig')),
  };
}

function parseContent(value: unknown, location: string, roleChecked: boolean): PromptContent {
  const fields = readObjectFields(value, location, CONTENT_FIELDS);
  const role = optionalString(fields, 'role', location) ?? 'user';
  if (roleChecked && !ROLES.has(role)) {
    throw new InputError(`${location}.role`, `must be "user" or "model", got "${role}"`);
  }
  const parts = fields.get('parts');
  if (parts === undefined) throw new InputError(location, 'parts is required');
  if (!Array.isArray(parts)) {
    throw new InputError(`${location}.parts`, `must be an array, got ${describeJsonKind(parts)}`);
  }
  if (parts.length === 0) throw new InputError(`${location}.parts`, 'must not be empty');
  return { role, parts: parts.map((part, index) => parsePart(part, `${location}.parts[${index}]`)) };
}

function parsePart(value: unknown, location: string): PromptPart {
  const fields = readObjectFields(value, location, PART_FIELDS);
  const present = DATA_FIELDS.filter((name) => fields.get(name) !== undefined);
  const [dataField] = present;
  if (dataField === undefined) {
    const expected = 'text, inlineData, fileData, functionCall, functionResponse';
    throw new InputError(location, `needs one of ${expected} (got none)`);
  }
  if (present.length > 1) throw new InputError(location, `must have only one data field, got ${present.join(', ')}`);
  if (dataField === 'text') {
    const text = optionalString(fields, 'text', location) ?? '';
    if (text.length === 0) throw new InputError(`${location}.text`, 'must not be empty');
    return { kind: 'text', text };
  }
  if (dataField === 'inlineData') {
    const where = `${location}.inlineData`;
    const data = readObjectFields(fields.get('inlineData'), where, INLINE_DATA_FIELDS);
    const mimeType = requiredString(data, 'mimeType', where);
    return { kind: 'media', mimeType, source: requiredString(data, 'data', where) };
  }
  if (dataField === 'fileData') {
    const where = `${location}.fileData`;
    const file = readObjectFields(fields.get('fileData'), where, FILE_DATA_FIELDS);
    const fileUri = requiredString(file, 'fileUri', where);
    return { kind: 'media', mimeType: optionalString(file, 'mimeType', where) ?? '', source: fileUri };
  }
  return { kind: 'structured', json: JSON.stringify({ [dataField]: fields.get(dataField) }) };
}

function requiredString(fields: Map<string, unknown>, name: string, location: string): string {
  const value = optionalString(fields, name, location);
  if (value === undefined || value.length === 0) throw new InputError(`${location}.${name}`, 'is required');
  return value;
}

/** Every text part of the conversation (not the system instruction), in order. */
export function promptTexts(request: SimulatedRequest): string[] {
  const texts: string[] = [];
  for (const content of request.contents) {
    for (const part of content.parts) if (part.kind === 'text') texts.push(part.text);
  }
  return texts;
}

/**
 * `JSON.stringify(content)`, part of every request's hash: written out here, beside the objects it mirrors, so the
 * prompt's long texts are quoted fast (see json-text.ts).
 */
export function contentJson(content: PromptContent): string {
  return `{"role":${quoteJson(content.role)},"parts":[${content.parts.map(partJson).join(',')}]}`;
}

function partJson(part: PromptPart): string {
  switch (part.kind) {
    case 'text':
      return `{"kind":"text","text":${quoteJson(part.text)}}`;
    case 'media':
      return `{"kind":"media","mimeType":${quoteJson(part.mimeType)},"source":${quoteJson(part.source)}}`;
    case 'structured':
      return `{"kind":"structured","json":${quoteJson(part.json)}}`;
  }
}
