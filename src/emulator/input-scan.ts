/**
 * @module Reads a batch's input once at creation: how many requests it holds and which keys it submits, so
 * `batchStats.requestCount` is known up front and every key's submission count is exact.
 */
import { isJsonObject } from './proto-json.ts';
import { isBlankLine, readLinesFrom } from '../shared/index.ts';

/** The key of a parsed input line or inline request metadata, when it is a string. */
export function keyOf(holder: unknown): string | undefined {
  if (!isJsonObject(holder)) return undefined;
  const key = holder['key'];
  return typeof key === 'string' ? key : undefined;
}

/** Counts the requests (non-blank lines) of a JSONL file, calling `onKey` for each line with a string key. */
export async function scanInputFile(path: string, onKey: (key: string, index: number) => void): Promise<number> {
  let index = 0;
  for await (const line of readLinesFrom(path)) {
    if (isBlankLine(line.text)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      value = undefined; // reported as an error line when the job runs
    }
    const key = keyOf(value);
    if (key !== undefined) onKey(key, index);
    index++;
  }
  return index;
}
