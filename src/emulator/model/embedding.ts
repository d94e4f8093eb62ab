/**
 * @module The simulated embedding model behind `models/{m}:asyncBatchEmbedContent`: one `EmbedContentRequest`
 * (`content.parts[].text`, `outputDimensionality`, `taskType`, `title`; camelCase or snake_case) becomes a
 * `SingleEmbedContentResponse` `{embedding: {values}, tokenCount}` (SDK 3.3.0 types; spec Part D.4).
 * The vector is deterministic and meaningful enough to test with: hashed word and character-trigram features,
 * L2-normalised, so texts that share most words are nearer (by cosine) than unrelated ones. It depends on the
 * text and the dimension only, never on the seed or the key.
 */
import { errorMessage, InputError } from '../../shared/index.ts';
import { describeJson, field, isJsonObject, type JsonObject } from '../proto-json.ts';
import type { SimulatedLine, SimulationContext } from './index.ts';
import { planLine } from './line-faults.ts';
import { estimateTextTokens } from './token-estimator.ts';

/**
 * Default dimensions per model. gemini-embedding-001: 3072 by default, 128 to 3072 accepted ("allows developers to
 * scale the output dimensions down from the default 3072", developers.googleblog.com "Gemini Embedding now generally
 * available in the Gemini API", 2025; ai.google.dev/gemini-api/docs/models/gemini-embedding-001: "128 - 3072,
 * recommended 768, 1536, 3072"). The legacy text-embedding-004 and embedding-001 gave 768.
 */
const DEFAULT_DIMENSIONS: Readonly<Record<string, number>> = {
  'gemini-embedding-001': 3072,
  'text-embedding-004': 768,
  'embedding-001': 768,
};
/** Models not in the table (gemini-embedding-2, experimental names) get the current model's default. */
const FALLBACK_DIMENSIONS = 3072;
/** The largest `outputDimensionality` accepted (gemini-embedding-001's full size). */
export const MAX_EMBEDDING_DIMENSIONS = 3072;

/** The task types of the REST `TaskType` enum (ai.google.dev API reference, models.embedContent). */
export const EMBEDDING_TASK_TYPES: readonly string[] = [
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
];

/** The default vector size of a model (bare name or `models/...`). */
export function defaultEmbeddingDimensions(model: string): number {
  return DEFAULT_DIMENSIONS[model.replace(/^models\//, '')] ?? FALLBACK_DIMENSIONS;
}

/** A parsed `EmbedContentRequest`. */
export interface EmbedRequest {
  text: string;
  dimensions: number;
  taskType: string | undefined;
}

const KNOWN_FIELDS = new Set(['content', 'outputDimensionality', 'output_dimensionality', 'taskType', 'task_type', 'title', 'model']);

/** Reads an `EmbedContentRequest`; throws InputError (a 400 line) naming what is wrong. */
export function parseEmbedRequest(request: JsonObject, model: string): EmbedRequest {
  const unknown = Object.keys(request).filter((name) => !KNOWN_FIELDS.has(name));
  if (unknown.length > 0) throw new InputError('request', `has no such field: ${unknown.map((name) => `'${name}'`).join(', ')}`);
  const content = field(request, 'content');
  const parts = isJsonObject(content) ? field(content, 'parts') : undefined;
  if (!Array.isArray(parts)) throw new InputError('request.content', `must be a Content with parts, got ${describeJson(content)}`);
  // "Only the parts.text fields will be counted" (SDK EmbedContentBatch doc comment).
  const texts = parts.map((part: unknown) => (isJsonObject(part) && typeof part['text'] === 'string' ? part['text'] : ''));
  const text = texts.join('\n');
  if (text.trim() === '') throw new InputError('request.content', 'has no text to embed');
  const rawDimensions = field(request, 'outputDimensionality');
  let dimensions = defaultEmbeddingDimensions(model);
  if (rawDimensions !== undefined && rawDimensions !== null) {
    if (typeof rawDimensions !== 'number' || !Number.isInteger(rawDimensions) || rawDimensions < 1 || rawDimensions > MAX_EMBEDDING_DIMENSIONS) {
      throw new InputError('request.outputDimensionality', `must be an integer from 1 to ${MAX_EMBEDDING_DIMENSIONS}, got ${describeJson(rawDimensions)}`);
    }
    dimensions = rawDimensions;
  }
  const taskType = field(request, 'taskType');
  if (taskType !== undefined && (typeof taskType !== 'string' || !EMBEDDING_TASK_TYPES.includes(taskType))) {
    throw new InputError('request.taskType', `must be one of ${EMBEDDING_TASK_TYPES.join(', ')}, got ${describeJson(taskType)}`);
  }
  return { text, dimensions, taskType };
}

/** 32-bit FNV-1a of a string: a stable, fast feature hash. */
function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Lower-cased words of letters and digits (any script). */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The vector of `text`: each word adds 1 and each character trigram of a padded word 0.5 at a hashed index with a
 * hashed sign (the hashing trick), then the vector is L2-normalised. Shared words give shared components, hence a
 * higher cosine.
 */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const add = (feature: string, weight: number): void => {
    const hash = fnv1a(feature);
    const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1;
    vector[hash % dimensions] = (vector[hash % dimensions] ?? 0) + sign * weight;
  };
  for (const word of wordsOf(text)) {
    add(`w:${word}`, 1);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.5);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  // Rounded to 7 significant digits: the size of the real service's values, and float32-exact enough.
  return Array.from(vector, (value) => (norm === 0 ? 0 : Number((value / norm).toPrecision(7))));
}

/** The `SingleEmbedContentResponse` of one request: `tokenCount` is an int64 string, as on the wire (spec §3.2, CB). */
export function embedResponse(request: EmbedRequest): JsonObject {
  return { embedding: { values: embedText(request.text, request.dimensions) }, tokenCount: String(estimateTextTokens(request.text)) };
}

/**
 * One embedding line's answer. Never throws: an invalid request is a 400 line. Of the scripted line faults only
 * `errorRate` applies (an embedding has no text to block, empty or malform).
 */
export function simulateEmbedLine(request: JsonObject, context: SimulationContext): SimulatedLine {
  try {
    const plan = planLine(context.faults, { seed: context.seed, key: context.key, submission: context.submission });
    if (plan.kind === 'error') return { error: { code: plan.code, message: plan.message } };
    return { response: embedResponse(parseEmbedRequest(request, context.model)) };
  } catch (error) {
    if (error instanceof InputError) return { error: { code: 400, message: error.message } };
    return { error: { code: 500, message: `emulator failure: ${errorMessage(error)}` } };
  }
}
