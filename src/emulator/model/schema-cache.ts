/**
 * @module Compiled response schemas, cached. Every line of a batch usually carries the same schema: each distinct
 * one is compiled once (keyed by its JSON text), and a schema equal to the previous line's is recognised by a walk
 * over its members, which costs less than writing it as JSON again.
 */
import { memoByKey } from './bounded-cache.ts';
import { sameJson } from './json-equality.ts';
import type { JsonObject } from './object-fields.ts';
import { compileSchema, type SchemaNode } from './schema-compiling.ts';

/** A response schema compiled, and its JSON text. */
export interface CachedSchema {
  readonly compiled: SchemaNode;
  /** `JSON.stringify(schema)`. */
  readonly json: string;
}

const compiledByJson = memoByKey<SchemaNode>(256, (key) => {
  const newline = key.indexOf('\n');
  return compileSchema(JSON.parse(key.slice(newline + 1)) as JsonObject, key.slice(0, newline));
});

/** The previous schema (a private copy, so nothing can change it), where it was given, and its result. */
let previous: { schema: unknown; location: string; result: CachedSchema } | undefined;

/**
 * The compiled schema and its JSON, from the cache when its JSON text says all about it. A number too large for a
 * double reads as Infinity, which JSON prints as null: such a schema is compiled afresh rather than mistaken for
 * another.
 */
export function cachedSchema(schema: JsonObject, location: string): CachedSchema {
  if (previous !== undefined && previous.location === location && sameJson(schema, previous.schema)) return previous.result;
  const json = JSON.stringify(schema);
  const compiled = json.includes('null') && hasNonFiniteNumber(schema) ? compileSchema(schema, location) : compiledByJson(`${location}\n${json}`);
  const result = { compiled, json };
  try {
    previous = { schema: structuredClone(schema), location, result };
  } catch {
    previous = undefined; // not plain data (a schema from JSON always is): simply not remembered
  }
  return result;
}

function hasNonFiniteNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasNonFiniteNumber);
}
