/** @module Walks a zod schema along a config path to list the keys that are allowed there. */
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return unwrap(def['innerType'] as AnySchema);
    case 'pipe':
      return unwrap(def['in'] as AnySchema);
    case 'union':
      return (def['options'] as AnySchema[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

function child(schema: AnySchema, segment: PropertyKey): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'object') {
    const shape = def['shape'] as Record<string, AnySchema>;
    const next = typeof segment === 'string' ? shape[segment] : undefined;
    return next === undefined ? [] : unwrap(next);
  }
  if (def.type === 'array') return unwrap(def['element'] as AnySchema);
  if (def.type === 'record') return unwrap(def['valueType'] as AnySchema);
  return [];
}

/** The keys an object at `path` inside `schema` may have (empty if the path does not lead to an object). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const segment of path) current = current.flatMap((s) => child(s, segment));
  const keys = new Set<string>();
  for (const s of current) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') for (const key of Object.keys(def['shape'] as object)) keys.add(key);
  }
  return [...keys];
}
