/**
 * @module Gemini `responseSchema` (the OpenAPI 3.0 subset with uppercase types such as `OBJECT`) to JSON Schema
 * draft 2020-12, so one validator handles both. Lenient on purpose: it checks answers against a schema the config
 * already accepted. The emulator has its own strict converter (emulator/model/gemini-schema.ts), which rejects a bad
 * schema as the API would; kept apart so the emulator never agrees with truebatch by sharing its code.
 */
import { isRecord } from '../shared/index.ts';

const GEMINI_TYPES: Readonly<Record<string, string | undefined>> = {
  STRING: 'string',
  NUMBER: 'number',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  ARRAY: 'array',
  OBJECT: 'object',
  NULL: 'null',
  TYPE_UNSPECIFIED: undefined,
};

/** Keywords with the same meaning in both dialects, copied as they are. */
const COPIED_KEYWORDS = ['title', 'description', 'default', 'pattern', 'minimum', 'maximum'] as const;

/** Count keywords: proto JSON writes int64 as strings ("3"), JSON Schema needs numbers. */
const COUNT_KEYWORDS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const;

/** Gemini formats that JSON Schema also knows; the others (`int32`, `enum`, ...) only restate the type. */
const KEPT_FORMATS = new Set(['date-time', 'date', 'time']);

/** True when the schema uses Gemini's uppercase type names anywhere (`"type": "OBJECT"`). */
export function isGeminiSchema(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(isGeminiSchema);
  if (!isRecord(schema)) return false;
  const type = schema['type'];
  if (typeof type === 'string' && Object.hasOwn(GEMINI_TYPES, type)) return true;
  return Object.values(schema).some((child) => typeof child === 'object' && child !== null && isGeminiSchema(child));
}

/**
 * Converts a Gemini `responseSchema` to an equivalent JSON Schema (draft 2020-12): lowercases types, turns
 * `nullable` into a `null` type, numbers count limits written as strings, keeps `example` as `examples`, and drops
 * what only steers generation (`propertyOrdering`, type-restating formats).
 */
export function toJsonSchema(geminiSchema: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...convertNode(geminiSchema) };
}

function convertNode(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const nullable = node['nullable'] === true;
  const rawType = node['type'];
  const upper = typeof rawType === 'string' ? rawType.toUpperCase() : '';
  const type = Object.hasOwn(GEMINI_TYPES, upper) ? GEMINI_TYPES[upper] : undefined;
  if (type !== undefined) out['type'] = nullable && type !== 'null' ? [type, 'null'] : type;

  for (const keyword of COPIED_KEYWORDS) {
    if (node[keyword] !== undefined) out[keyword] = toNumberIfNumeric(keyword, node[keyword]);
  }
  for (const keyword of COUNT_KEYWORDS) {
    const count = toCount(node[keyword]);
    if (count !== undefined) out[keyword] = count;
  }
  const format = node['format'];
  if (typeof format === 'string' && KEPT_FORMATS.has(format)) out['format'] = format;
  if (node['example'] !== undefined) out['examples'] = [node['example']];

  const enumValues = asArray(node['enum']);
  if (enumValues !== undefined) {
    out['enum'] = nullable && !enumValues.includes(null) ? [...enumValues, null] : enumValues;
  }

  const properties = node['properties'];
  if (isRecord(properties)) {
    const converted: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(properties)) {
      converted[name] = isRecord(child) ? convertNode(child) : child;
    }
    out['properties'] = converted;
  }
  const required = node['required'];
  if (Array.isArray(required)) out['required'] = required;

  const items = node['items'];
  if (isRecord(items)) out['items'] = convertNode(items);

  const anyOf = asArray(node['anyOf']);
  if (anyOf !== undefined) {
    const branches = anyOf.map((branch) => (isRecord(branch) ? convertNode(branch) : branch));
    out['anyOf'] = nullable ? [...branches, { type: 'null' }] : branches;
  }
  return out;
}

function toCount(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function toNumberIfNumeric(keyword: string, value: unknown): unknown {
  if ((keyword === 'minimum' || keyword === 'maximum') && typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : value;
  }
  return value;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

