/**
 * @module A stage's JSON Schema as OpenAI's strict structured outputs take it, or the reason it cannot be. Strict mode
 * (platform.openai.com "Structured Outputs", supported schemas) needs an object at the root, `additionalProperties:
 * false` and every property required on each object, and only the keywords it lists. The translation only narrows:
 * an answer that follows the strict schema also follows the stage's own, which still judges every answer.
 */
import type { JsonObject } from '../../requests/index.ts';
import { isRecord } from '../../shared/index.ts';

/** Keywords strict mode accepts (the structured outputs guide's list of supported properties). */
const SUPPORTED = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', '$ref', '$defs',
  'definitions', 'description', 'title', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems',
]);

/** Annotations that constrain nothing: left out, since strict mode does not take them. */
const DROPPED = new Set(['$schema', '$id', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);

/** Members whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions']);

/** The strict schema, or why the stage's schema cannot be one. */
export type StrictSchema = { ok: true; schema: JsonObject } | { ok: false; reason: string };

/** `schema` as OpenAI strict mode takes it (see the module comment), or the first reason it cannot be, with its path. */
export function strictSchemaOf(schema: JsonObject): StrictSchema {
  if (schema['type'] !== 'object') {
    return { ok: false, reason: 'OpenAI structured outputs need an object at the root of the response schema ("type": "object")' };
  }
  try {
    return { ok: true, schema: strictNode(schema, '') };
  } catch (error) {
    if (error instanceof StrictSchemaProblem) return { ok: false, reason: error.message };
    throw error;
  }
}

class StrictSchemaProblem extends Error {}

function strictNode(node: JsonObject, path: string): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(node)) {
    const at = `${path}/${name}`;
    if (DROPPED.has(name)) continue;
    if (!SUPPORTED.has(name)) {
      throw new StrictSchemaProblem(`the response schema uses "${name}" at ${at}, which OpenAI strict structured outputs do not support`);
    }
    if (SCHEMA_MAPS.has(name) && isRecord(value)) {
      out[name] = Object.fromEntries(Object.entries(value).map(([key, child]) => [key, strictChild(child, `${at}/${key}`)]));
    } else if (name === 'items') {
      out[name] = strictChild(value, at);
    } else if (name === 'anyOf' && Array.isArray(value)) {
      out[name] = value.map((child, index) => strictChild(child, `${at}/${index}`));
    } else if (name === 'additionalProperties') {
      if (value !== false) {
        throw new StrictSchemaProblem(`the response schema allows additional properties at ${path || '/'}, which OpenAI strict structured outputs do not`);
      }
    } else {
      out[name] = value;
    }
  }
  if (isObjectNode(node)) {
    const properties = isRecord(node['properties']) ? Object.keys(node['properties']) : [];
    // Every property required: an answer that has them all still follows the stage's schema.
    out['required'] = properties;
    out['additionalProperties'] = false;
    if (!isRecord(out['properties'])) out['properties'] = {};
  }
  return out;
}

function strictChild(value: unknown, path: string): unknown {
  if (!isRecord(value)) throw new StrictSchemaProblem(`the response schema has a non-object schema at ${path}`);
  return strictNode(value, path);
}

function isObjectNode(node: JsonObject): boolean {
  const type = node['type'];
  return type === 'object' || (Array.isArray(type) && type.includes('object'));
}
