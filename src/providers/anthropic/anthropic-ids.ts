/**
 * @module Anthropic's `custom_id` for truebatch's request keys. A `custom_id` is 1–64 characters of `[a-zA-Z0-9_-]`
 * (Message Batches docs); truebatch keys may be longer and hold any character. So each line of a job is named
 * `<job tag>-<line number>`: the tag (16 hex of SHA-256 of the job's display name) says which job a result line
 * belongs to, and the line number finds the key in the job's local input file, which the engine keeps until the job
 * is collected. Reversible, with no mapping beside the input file the engine writes anyway.
 */
import { createHash } from 'node:crypto';
import { readJsonl } from '../../shared/index.ts';

/** The tag every `custom_id` of the job named `displayName` starts with. */
export function jobTag(displayName: string): string {
  return createHash('sha256').update(displayName).digest('hex').slice(0, 16);
}

/** The `custom_id` of line `lineNumber` (1-based) of the job tagged `tag`. */
export function customIdOf(tag: string, lineNumber: number): string {
  return `${tag}-${lineNumber}`;
}

const CUSTOM_ID = /^([0-9a-f]{16})-([1-9][0-9]*)$/;

/** The job tag and line number a `custom_id` names, or undefined when truebatch did not write it. */
export function parseCustomId(customId: string): { tag: string; lineNumber: number } | undefined {
  const match = CUSTOM_ID.exec(customId);
  if (!match?.[1] || !match[2]) return undefined;
  return { tag: match[1], lineNumber: Number(match[2]) };
}

/**
 * The request key of each line of a job's input file, by line number, streamed (keys only are kept: up to 100,000
 * of them for one batch). A line without a key maps to nothing; its results then join nothing and are reported.
 */
export async function keysByLine(inputPath: string): Promise<Map<number, string>> {
  const keys = new Map<number, string>();
  for await (const line of readJsonl(inputPath)) {
    if (!line.ok) continue;
    const key: unknown = (line.value as { key?: unknown } | null)?.key;
    if (typeof key === 'string') keys.set(line.lineNumber, key);
  }
  return keys;
}
