/**
 * @module truebatch's input lines (`{"key":…,"request":<body>}`, shard-plan.ts) as OpenAI's batch input lines
 * (`{"custom_id":…,"method":"POST","url":…,"body":{"model":…,…}}`, spec §10a "Input line"), streamed one line at a
 * time while the file uploads: the file the engine cut is never held in memory nor copied on disk.
 */
import { InputError, readLines } from '../../shared/index.ts';
import { OPENAI_ENDPOINT } from './openai-request.ts';

/** The OpenAI input line of one truebatch input line. Throws InputError for a line truebatch did not write. */
export function openAiInputLine(text: string, model: string, where: string): string {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    throw new InputError(where, 'is not JSON');
  }
  const { key, request } = (line ?? {}) as { key?: unknown; request?: unknown };
  if (typeof key !== 'string' || typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InputError(where, 'is not a truebatch input line ({"key":…,"request":{…}})');
  }
  // `model` first, then the stored body as it is (the line's `url` must equal the batch's endpoint).
  return JSON.stringify({ custom_id: key, method: 'POST', url: OPENAI_ENDPOINT, body: { model, ...request } });
}

/** The OpenAI input file of the truebatch input file at `path`, as text chunks (one line each, newline included). */
export async function* openAiInputFile(path: string, model: string): AsyncGenerator<string> {
  for await (const { lineNumber, text } of readLines(path)) {
    yield `${openAiInputLine(text, model, `${path} line ${lineNumber}`)}\n`;
  }
}
