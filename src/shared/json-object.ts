/** @module Telling a JSON object from other JSON values, and parsing text that must be one. */
import { InputError, errorMessage } from './errors.ts';

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` parsed as a JSON object; InputError naming `what` when it is not JSON or not an object. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(what, `is not JSON: ${errorMessage(error)}`);
  }
  if (!isRecord(value)) throw new InputError(what, 'must be a JSON object');
  return value;
}
