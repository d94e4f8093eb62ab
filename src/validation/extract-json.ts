/**
 * @module Lenient JSON extraction from model text: plain JSON, JSON in a code fence, JSON with prose around it.
 * Never evaluates anything; the only parser is `JSON.parse`.
 */

import type { RepairKind } from './validation-types.ts';

/**
 * The outcome of {@link extractJson}. `notes` say what was stripped to get at the JSON, and `repairs` which kinds of
 * stripping that were (each kind once, fence before prose).
 */
export type ExtractionResult =
  | { ok: true; value: unknown; notes: string[]; repairs: Exclude<RepairKind, 'alias'>[] }
  | { ok: false; reason: string };

type ScanOutcome =
  | { kind: 'complete'; end: number }
  | { kind: 'mismatch'; stillOpen: number[] }
  | { kind: 'unterminated'; what: 'object' | 'array' | 'string'; at: number };

interface Region {
  start: number;
  end: number;
  fence: { open: number; bodyStart: number; close: number | undefined; language: string } | undefined;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FENCE_OPEN = /```[ \t]*([A-Za-z0-9_+.-]*)[ \t]*\r?\n?/;

/**
 * Finds the JSON value in a model's text. Accepts plain JSON, JSON inside a ```json or ``` fence, and prose
 * before and/or after the first balanced top-level object or array (strings and escapes respected).
 * Text that ends inside the JSON is reported as truncated, never repaired.
 */
export function extractJson(text: string): ExtractionResult {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, reason: text === '' ? 'the response text is empty' : 'the response text is only whitespace' };
  }
  const plain = tryParse(trimmed);
  if (plain.ok) return { ok: true, value: plain.value, notes: [], repairs: [] };

  const whole: Region = { start: 0, end: text.length, fence: undefined };
  const fenced = findFence(text);
  if (fenced === undefined) return extractFromRegion(text, whole);
  const inFence = extractFromRegion(text, fenced);
  if (inFence.ok) return inFence;
  // The "fence" may sit inside a JSON string, or hold an example in another language: try the whole text too.
  const inWhole = extractFromRegion(text, whole);
  return inWhole.ok ? inWhole : inFence;
}

function tryParse(candidate: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(candidate) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** The first code fence, up to its closing fence or the end of the text. */
function findFence(text: string): Region | undefined {
  const match = FENCE_OPEN.exec(text);
  if (match === null) return undefined;
  const bodyStart = match.index + match[0].length;
  const closeAt = text.indexOf('```', bodyStart);
  const close = closeAt === -1 ? undefined : closeAt;
  return {
    start: bodyStart,
    end: close ?? text.length,
    fence: { open: match.index, bodyStart, close, language: match[1] ?? '' },
  };
}

function firstIndexOfStructural(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return i;
  }
  return -1;
}

/**
 * The first balanced candidate that parses, preferring one that holds an object or array: a prose citation like
 * `[1]` parses too, but is not the answer when structured JSON follows it.
 */
function extractFromRegion(text: string, region: Region): ExtractionResult {
  let firstParseError: string | undefined;
  let flatArray: { value: unknown; start: number; end: number } | undefined;
  // Openers still open at a mismatched closer would all hit that closer again: skipping them keeps this linear.
  const doomed = new Set<number>();
  let position = region.start;
  for (;;) {
    const start = firstIndexOfStructural(text, position, region.end);
    if (start === -1) break;
    if (doomed.has(start) || !looksLikeJsonStart(text, start, region.end)) {
      position = start + 1;
      continue;
    }
    const scan = scanBalanced(text, start, region.end);
    if (scan.kind === 'unterminated') {
      return { ok: false, reason: `the JSON is truncated (unterminated ${scan.what} at character ${scan.at})` };
    }
    if (scan.kind === 'mismatch') {
      for (const opener of scan.stillOpen) doomed.add(opener);
      position = start + 1;
      continue;
    }
    const parsed = tryParse(text.slice(start, scan.end));
    if (parsed.ok && isStructured(parsed.value)) {
      return { ok: true, value: parsed.value, ...describeStripped(text, region, start, scan.end) };
    }
    if (parsed.ok) {
      flatArray ??= { value: parsed.value, start, end: scan.end };
      position = scan.end;
      continue;
    }
    firstParseError ??= `the JSON at character ${start} does not parse: ${parsed.message}`;
    // Never fall back to a value nested inside a broken one: that would be a fragment, not the answer.
    position = scan.end;
  }
  if (flatArray !== undefined) {
    return { ok: true, value: flatArray.value, ...describeStripped(text, region, flatArray.start, flatArray.end) };
  }
  return { ok: false, reason: firstParseError ?? 'no JSON object or array found in the text' };
}

function isStructured(value: unknown): boolean {
  if (!Array.isArray(value)) return true;
  return value.some((element) => typeof element === 'object' && element !== null);
}

/** Skips prose brackets like `[Note]` or `{braces}`: JSON opens with a key, a value or the closer. */
function looksLikeJsonStart(text: string, start: number, end: number): boolean {
  const opener = text.charCodeAt(start);
  let i = start + 1;
  while (i < end && isWhitespace(text.charCodeAt(i))) i++;
  if (i >= end) return true;
  const next = text[i] ?? '';
  if (opener === OPEN_BRACE) return next === '"' || next === '}';
  return '{["-0123456789tfn]'.includes(next);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function scanBalanced(text: string, start: number, end: number): ScanOutcome {
  const closers: number[] = [];
  const openedAt: number[] = [];
  let inString = false;
  let stringStart = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      closers.push(c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      openedAt.push(i);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (closers.pop() !== c) return { kind: 'mismatch', stillOpen: openedAt };
      openedAt.pop();
      if (closers.length === 0) return { kind: 'complete', end: i + 1 };
    }
  }
  if (inString) return { kind: 'unterminated', what: 'string', at: stringStart };
  const innermost = closers.length - 1;
  return {
    kind: 'unterminated',
    what: closers[innermost] === CLOSE_BRACE ? 'object' : 'array',
    at: openedAt[innermost] ?? start,
  };
}

function describeStripped(
  text: string,
  region: Region,
  jsonStart: number,
  jsonEnd: number,
): { notes: string[]; repairs: Exclude<RepairKind, 'alias'>[] } {
  const notes: string[] = [];
  const repairs: Exclude<RepairKind, 'alias'>[] = [];
  const fence = region.fence;
  let before: number;
  let after: number;
  if (fence === undefined) {
    before = text.slice(0, jsonStart).trim().length;
    after = text.slice(jsonEnd).trim().length;
  } else {
    const language = fence.language === '' ? '' : ` (${fence.language})`;
    notes.push(fence.close === undefined ? `removed unclosed code fence${language}` : `removed code fence${language}`);
    repairs.push('fence');
    before = text.slice(0, fence.open).trim().length + text.slice(fence.bodyStart, jsonStart).trim().length;
    after =
      text.slice(jsonEnd, region.end).trim().length +
      (fence.close === undefined ? 0 : text.slice(fence.close + 3).trim().length);
  }
  if (before > 0) notes.push(`removed ${before} characters of prose before the JSON`);
  if (after > 0) notes.push(`removed ${after} characters of prose after the JSON`);
  if (before > 0 || after > 0) repairs.push('prose');
  return { notes, repairs };
}
