/** @module Validates `generationConfig` and picks the response schema the simulated answer must follow. */
import { InputError } from '../../shared/index.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema.ts';
import { rememberLast } from './json-equality.ts';
import { cachedSchema } from './schema-cache.ts';
import type { SchemaNode } from './schema-compiling.ts';
import { isJsonObject, optionalNumber, optionalString, readObjectFields, type JsonObject } from './object-fields.ts';

/** The generation settings the simulated model honours. */
export interface GenerationSettings {
  /** Lower-cased; `text/plain` when not set. */
  readonly responseMimeType: string;
  /** The response schema as JSON Schema (a Gemini `responseSchema` is converted), or undefined. */
  readonly responseSchema: JsonObject | undefined;
  /** `responseSchema` compiled (not part of the request's identity: it is derived from `responseSchema`). */
  readonly compiledSchema: SchemaNode | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly topP: number | undefined;
  readonly topK: number | undefined;
  /** `thinkingConfig.thinkingBudget`; 0 turns thinking off. */
  readonly thinkingBudget: number | undefined;
  /** `thinkingConfig.includeThoughts`: answer with a thought summary part (`thought: true`) when the model thought. */
  readonly includeThoughts: boolean | undefined;
  /** `candidateCount`: how many candidates to answer with (1 when unset). */
  readonly candidateCount: number | undefined;
  /**
   * `JSON.stringify` of these settings without `compiledSchema` and itself: what identifies them in a request's
   * hash, written here where the schema's JSON text is at hand.
   */
  readonly identityJson: string;
}

const GENERATION_FIELDS = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'mediaResolution',
  'imageConfig',
]);
const THINKING_FIELDS = new Set(['thinkingBudget', 'includeThoughts', 'thinkingLevel']);
const MIME_TYPES = new Set(['text/plain', 'application/json', 'text/x.enum']);
const WHERE = 'generationConfig';

/**
 * Validates a `generationConfig` (absent → defaults). Throws InputError naming the field at fault. A config equal to
 * the previous line's (the usual case in a batch) gets the same settings without being read again.
 */
export const parseGenerationConfig: (value: unknown) => GenerationSettings = rememberLast(readGenerationConfig);

function readGenerationConfig(value: unknown): GenerationSettings {
  const fields = value === undefined ? new Map<string, unknown>() : readObjectFields(value, WHERE, GENERATION_FIELDS);
  const responseMimeType = (optionalString(fields, 'responseMimeType', WHERE) ?? 'text/plain').toLowerCase();
  if (!MIME_TYPES.has(responseMimeType)) {
    const supported = [...MIME_TYPES].join(', ');
    throw new InputError(`${WHERE}.responseMimeType`, `unsupported "${responseMimeType}" (use ${supported})`);
  }
  // Google documents 1 to 8 candidates (DOC-ref GenerationConfig.candidateCount; 2.5 models allow up to 8).
  const candidateCount = optionalNumber(fields, 'candidateCount', WHERE, { integer: true, min: 1, max: 8 });
  const responseSchema = readResponseSchema(fields, responseMimeType);
  const schema = responseSchema === undefined ? undefined : cachedSchema(responseSchema, schemaLocation(fields));
  const numbers = {
    maxOutputTokens: optionalNumber(fields, 'maxOutputTokens', WHERE, { integer: true, min: 1 }),
    temperature: optionalNumber(fields, 'temperature', WHERE, { min: 0, max: 2 }),
    topP: optionalNumber(fields, 'topP', WHERE, { min: 0, max: 1 }),
    topK: optionalNumber(fields, 'topK', WHERE, { integer: true, min: 1 }),
    ...readThinking(fields.get('thinkingConfig')),
    candidateCount,
  };
  const schemaJson = schema === undefined ? '' : `,"responseSchema":${schema.json}`;
  // The numbers' JSON without its opening brace; `{}` when every one is unset.
  const numbersJson = JSON.stringify(numbers).slice(1);
  return {
    responseMimeType,
    responseSchema,
    compiledSchema: schema?.compiled,
    ...numbers,
    identityJson: `{"responseMimeType":${JSON.stringify(responseMimeType)}${schemaJson}${numbersJson === '}' ? '}' : `,${numbersJson}`}`,
  };
}

function readResponseSchema(fields: Map<string, unknown>, mimeType: string): JsonObject | undefined {
  const gemini = fields.get('responseSchema');
  const json = fields.get('responseJsonSchema');
  if (gemini !== undefined && json !== undefined) {
    throw new InputError(WHERE, 'set only one of responseSchema and responseJsonSchema');
  }
  if (gemini === undefined && json === undefined) {
    if (mimeType === 'text/x.enum') throw new InputError(`${WHERE}.responseSchema`, 'is required with text/x.enum');
    return undefined;
  }
  const field = gemini === undefined ? 'responseJsonSchema' : 'responseSchema';
  if (mimeType === 'text/plain') {
    throw new InputError(`${WHERE}.${field}`, 'needs responseMimeType "application/json" or "text/x.enum"');
  }
  if (gemini !== undefined) return geminiSchemaToJsonSchema(gemini, `${WHERE}.responseSchema`);
  if (!isJsonObject(json)) throw new InputError(`${WHERE}.responseJsonSchema`, 'must be a JSON Schema object');
  return json;
}

function schemaLocation(fields: Map<string, unknown>): string {
  return `${WHERE}.${fields.has('responseSchema') ? 'responseSchema' : 'responseJsonSchema'}`;
}

function readThinking(value: unknown): { thinkingBudget: number | undefined; includeThoughts: boolean | undefined } {
  if (value === undefined) return { thinkingBudget: undefined, includeThoughts: undefined };
  const where = `${WHERE}.thinkingConfig`;
  const fields = readObjectFields(value, where, THINKING_FIELDS);
  const includeThoughts = fields.get('includeThoughts');
  if (includeThoughts !== undefined && typeof includeThoughts !== 'boolean') {
    throw new InputError(`${where}.includeThoughts`, `must be a boolean, got ${typeof includeThoughts}`);
  }
  return { thinkingBudget: optionalNumber(fields, 'thinkingBudget', where, { integer: true, min: -1 }), includeThoughts };
}
