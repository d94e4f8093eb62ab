/**
 * @module Parses request bodies the way Google's front end does: strict JSON first, then the single-quoted form
 * that Google's own curl samples send (`-d "{'file': {'display_name': 'x'}}"`).
 */
import { InputError, errorMessage } from '../shared/index.ts';

/** Rewrites single-quoted strings as double-quoted ones, leaving double-quoted strings untouched. */
export function singleToDoubleQuotes(text: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote === undefined) {
      if (char === "'") {
        quote = "'";
        out += '"';
      } else {
        if (char === '"') quote = '"';
        out += char;
      }
      continue;
    }
    if (char === '\\') {
      const next = text.charAt(i + 1);
      i++;
      // `\'` only exists in single-quoted strings; JSON spells it as a bare quote.
      out += quote === "'" && next === "'" ? "'" : `\\${next}`;
      continue;
    }
    if (char === quote) {
      quote = undefined;
      out += '"';
    } else if (char === '"' && quote === "'") {
      out += '\\"';
    } else {
      out += char;
    }
  }
  return out;
}

/** Parses a request body: empty means `{}`; single quotes are accepted; anything else unparseable is a 400. */
export function parseRequestJson(text: string, where: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (strictError) {
    try {
      return JSON.parse(singleToDoubleQuotes(text)) as unknown;
    } catch {
      throw new InputError(where, `Invalid JSON payload received. ${errorMessage(strictError)}`);
    }
  }
}
