/** @module Reads a JSON object whose keys may be camelCase or snake_case, refusing unknown keys like the real API. */
import { InputError } from '../../shared/index.ts';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `response_mime_type` → `responseMimeType`; camelCase names are returned unchanged. */
export function camelCaseName(name: string): string {
  return name.includes('_') ? name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase()) : name;
}

/** A short description of a JSON value's kind, for error messages. */
export function describeJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * The fields of `value` keyed by their camelCase name. Throws InputError at `location` when `value` is not an
 * object, a key is not in `allowed` (camelCase names; `unknownHint` is appended to that message), or a field is
 * given in both spellings.
 */
export function readObjectFields(
  value: unknown,
  location: string,
  allowed: ReadonlySet<string>,
  unknownHint = '',
): Map<string, unknown> {
  if (!isJsonObject(value)) throw new InputError(location, `must be a JSON object, got ${describeJsonKind(value)}`);
  const fields = new Map<string, unknown>();
  for (const [rawName, fieldValue] of Object.entries(value)) {
    const name = camelCaseName(rawName);
    if (!allowed.has(name)) throw new InputError(location, `unknown field "${rawName}"${unknownHint}`);
    if (fields.has(name)) throw new InputError(location, `field "${name}" is given twice (camelCase and snake_case)`);
    fields.set(name, fieldValue);
  }
  return fields;
}

/** A string field, or undefined when absent; throws when present with another type. */
export function optionalString(fields: Map<string, unknown>, name: string, location: string): string | undefined {
  const value = fields.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`${location}.${name}`, `must be a string, got ${describeJsonKind(value)}`);
  }
  return value;
}

/**
 * A number field within [min, max], or undefined when absent. Proto int64 fields arrive as numeric strings, so
 * `integer` fields also accept "42".
 */
export function optionalNumber(
  fields: Map<string, unknown>,
  name: string,
  location: string,
  rule: { min?: number; max?: number; integer?: boolean },
): number | undefined {
  const raw = fields.get(name);
  if (raw === undefined) return undefined;
  const value = rule.integer === true && typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  const where = `${location}.${name}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(where, `must be a number, got ${describeJsonKind(raw)}`);
  }
  if (rule.integer === true && !Number.isInteger(value)) {
    throw new InputError(where, `must be an integer, got ${value}`);
  }
  if (rule.min !== undefined && value < rule.min) {
    throw new InputError(where, `must be at least ${rule.min}, got ${value}`);
  }
  if (rule.max !== undefined && value > rule.max) {
    throw new InputError(where, `must be at most ${rule.max}, got ${value}`);
  }
  return value;
}
