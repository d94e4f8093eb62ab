/**
 * @module Answers one batch request with the simulated model. A malformed input line becomes an error result
 * (code 400, with the line number): `{"key","error"}` when its key can be read, `{"error"}` alone when it cannot
 * (the line is not JSON, not an object, or its key is not a string). A line without a key echoes no key.
 */
import { errorMessage } from '../shared/index.ts';
import type { DocumentReader } from './document-reading.ts';
import type { LineFaults } from './faults.ts';
import { resolveCachedContent, simulateEmbedLine, simulateLine, type CacheLookup, type SimulatedLine } from './model/index.ts';
import { describeJson, field, isJsonObject, type JsonObject } from './proto-json.ts';

/** What a line's answer depends on besides the line. */
export interface LineContext {
  seed: number;
  /** The bare model id, e.g. `gemini-2.5-flash`. */
  model: string;
  faults: LineFaults;
  /** Where the line came from, for error messages: `files/abc line 7`. */
  where: string;
  submission: number;
  /** Reads the line's media parts (files must be alive when the line runs); without it they are not read. */
  documents?: DocumentReader | undefined;
  /** Finds the live context caches a line may name (`cachedContent`). */
  caches?: CacheLookup | undefined;
  /** `embed`: the line is an EmbedContentRequest (see model/embedding.ts). */
  task?: 'embed' | undefined;
  /** Told each scripted fault an answer shows (the stats' `lineFaultsByKind`). */
  countFault?: ((kind: string) => void) | undefined;
}

/** A result: the output file line (without `key` when there is none) and whether it succeeded. */
export interface LineResult {
  key: string | undefined;
  answer: SimulatedLine;
}

function badLine(key: string | undefined, message: string): LineResult {
  return { key, answer: { error: { code: 400, message } } };
}

/** Asks the model, turning a model bug into an error line rather than a stuck job. */
export async function answerRequest(request: JsonObject, key: string | undefined, context: LineContext): Promise<SimulatedLine> {
  try {
    if (context.task === 'embed') {
      const { seed, model, submission, faults } = context;
      return simulateEmbedLine(request, { seed, model, key, submission, faults });
    }
    const resolved = resolveCachedContent(request, context.model, context.caches);
    if ('error' in resolved) return resolved;
    const read = await context.documents?.read(resolved.request);
    if (read !== undefined && 'error' in read) return { error: read.error };
    const { seed, model, submission, faults } = context;
    return simulateLine(resolved.request, {
      seed,
      model,
      key,
      submission,
      faults,
      documents: read?.documents,
      cachedTokens: resolved.cachedTokens,
      countFault: context.countFault,
    });
  } catch (error) {
    return { error: { code: 500, message: `${context.where}: the simulated model failed: ${errorMessage(error)}` } };
  }
}

/** Answers one JSONL input line `{"key": "...", "request": {...}}`. */
export async function answerFileLine(text: string, context: LineContext): Promise<LineResult> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return badLine(undefined, `${context.where}: invalid JSON: ${errorMessage(error)}`);
  }
  if (!isJsonObject(value)) return badLine(undefined, `${context.where}: expected a JSON object with "key" and "request", got ${describeJson(value)}`);
  const rawKey = value['key'];
  if (rawKey !== undefined && typeof rawKey !== 'string') {
    return badLine(undefined, `${context.where}: "key" must be a string, got ${describeJson(rawKey)}`);
  }
  const request = field(value, 'request');
  if (!isJsonObject(request)) {
    return badLine(rawKey, `${context.where}: "request" must be a GenerateContentRequest object, got ${describeJson(request)}`);
  }
  return { key: rawKey, answer: await answerRequest(request, rawKey, context) };
}

/** The output file line for a result: `{"key","response"}` / `{"key","error"}`, key omitted when unknown. */
export function outputLine(result: LineResult): string {
  // `{"key":...,` spliced onto the answer's own text: the same JSON as the merged object, without building it.
  const answer = JSON.stringify(result.answer);
  if (result.key === undefined) return answer;
  return answer === '{}' ? `{"key":${JSON.stringify(result.key)}}` : `{"key":${JSON.stringify(result.key)},${answer.slice(1)}`;
}
