/**
 * @module Reads a batch's input once at creation, streamed: how many requests it holds, which keys it submits (so
 * `batchStats.requestCount` is known up front and every key's submission count is exact), and whether every line
 * is valid JSON that fits the REST schema. One bad line refuses the whole batch at create, with every bad line
 * listed: `Error on line 1: invalid JSON, near column 1032: no such field: 'thinking_config'\nError on line 2: …`
 * (the real 2026 message, inspect_ai#3257; spec §3.2).
 */
import { isBlankLine, readLinesFrom } from '../shared/index.ts';
import { isJsonObject, type JsonObject } from './proto-json.ts';
import { lineViolation, type SchemaViolation } from './request-schema.ts';

/** The key of a parsed input line or inline request metadata, when it is a string. */
export function keyOf(holder: unknown): string | undefined {
  if (!isJsonObject(holder)) return undefined;
  const key = holder['key'];
  return typeof key === 'string' ? key : undefined;
}

/** What a scan of an input file found. */
export interface ScannedInput {
  /** Requests (non-blank lines). */
  count: number;
  /** Each string key with its request index, in order. */
  keys: { key: string; index: number }[];
  /** One message per bad line (the first {@link MAX_LISTED_ERRORS}); empty when every line is valid. */
  errors: string[];
}

/**
 * How many bad lines the refusal lists. The real message lists several lines (inspect_ai#3257 shows lines 1 and 2
 * and more); no source gives a cap, so this one only keeps the message bounded.
 */
const MAX_LISTED_ERRORS = 10;

/** The 1-based column of a JSON.parse error (`… at position 12`), or 1. */
function parseErrorColumn(error: unknown): number {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 1 : Number(position) + 1;
}

/** What the real service says after `near column C: ` for a schema violation. */
function describeViolation(violation: SchemaViolation): string {
  // `no such field` is the real wording (inspect_ai#3257); the not-an-object wording is the emulator's own.
  return violation.kind === 'unknown-field'
    ? `no such field: '${violation.field}'`
    : `invalid value for field '${violation.field}': expected an object`;
}

/** One line read: its object, or why the real service would refuse it (the message's form). */
export function readInputLine(text: string, lineNumber: number, checkSchema = true): { value: JsonObject } | { error: string } {
  const refused = (column: number, reason: string): { error: string } => ({
    error: `Error on line ${lineNumber}: invalid JSON, near column ${column}: ${reason}`,
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refused(parseErrorColumn(error), error instanceof Error ? error.message : String(error));
  }
  if (!isJsonObject(value)) return refused(1, 'expected an object with "key" and "request"');
  const violation = checkSchema ? lineViolation(value) : undefined;
  if (violation === undefined) return { value };
  // "near": the field's first spelling in the line, as the real column points near the offending name.
  return refused(Math.max(text.indexOf(`"${violation.field}"`), 0) + 1, describeViolation(violation));
}

/**
 * Scans a JSONL input file line by line (never whole in memory). Line numbers count blank lines too. Without
 * `checkSchema` (embedding batches), lines are only checked to be JSON objects.
 */
export async function scanInputFile(path: string, options: { checkSchema: boolean } = { checkSchema: true }): Promise<ScannedInput> {
  const scanned: ScannedInput = { count: 0, keys: [], errors: [] };
  let lineNumber = 0;
  for await (const line of readLinesFrom(path)) {
    lineNumber++;
    if (isBlankLine(line.text)) continue;
    const read = readInputLine(line.text, lineNumber, options.checkSchema);
    if ('error' in read) {
      if (scanned.errors.length < MAX_LISTED_ERRORS) scanned.errors.push(read.error);
    } else {
      const key = keyOf(read.value);
      if (key !== undefined) scanned.keys.push({ key, index: scanned.count });
    }
    scanned.count++;
  }
  return scanned;
}
