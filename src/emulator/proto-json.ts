/**
 * @module Reading proto-JSON bodies: every field may be spelled lowerCamelCase or snake_case, and values are
 * checked where they are read so a malformed request gets a precise 400.
 */
import { InputError } from '../shared/index.ts';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `fileName` → `file_name`. */
export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A field by its lowerCamelCase name, falling back to the snake_case spelling. */
export function field(object: JsonObject, camelName: string): unknown {
  const camel = object[camelName];
  return camel !== undefined ? camel : object[toSnakeCase(camelName)];
}

/** An optional string field; any other type is a 400 naming `where`. */
export function optionalString(object: JsonObject, camelName: string, where: string): string | undefined {
  const value = field(object, camelName);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InputError(`${where}.${camelName}`, `must be a string, got ${describeJson(value)}`);
  return value;
}

/** An optional object field; any other type is a 400 naming `where`. */
export function optionalObject(object: JsonObject, camelName: string, where: string): JsonObject | undefined {
  const value = field(object, camelName);
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new InputError(`${where}.${camelName}`, `must be a JSON object, got ${describeJson(value)}`);
  return value;
}

/** `an array`, `a string`, `null`…: for error messages. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
