/**
 * @module The verdict on an embedding: a vector of finite numbers (of the stage's size, when it asks for one) is
 * valid as it is; there is no JSON to extract or validate. The output is `{dimensions, vector}`.
 */
import type { ModelResponse } from '../providers/index.ts';
import type { Verdict } from './verdict.ts';

/** What an embedding output holds (the engine adds the document's id and the model when it writes it). */
export interface EmbeddingOutput {
  dimensions: number;
  vector: number[];
}

/** Judges `response.embedding`; `dimensions`, when given, is the size the stage asked for. */
export function evaluateEmbedding(key: string, response: ModelResponse & { embedding: number[] }, dimensions: number | undefined): Verdict {
  const { embedding: vector, usage } = response;
  const problem =
    vector.length === 0
      ? 'the embedding has no values'
      : !vector.every(Number.isFinite)
        ? 'the embedding has a value that is not a finite number'
        : dimensions !== undefined && vector.length !== dimensions
          ? `expected ${dimensions} values (outputDimensionality), got ${vector.length}`
          : undefined;
  if (problem !== undefined) {
    return { status: 'invalid', key, issues: [{ severity: 'error', code: 'schema', path: '', message: problem }], repairs: [], usage, text: '' };
  }
  const output: EmbeddingOutput = { dimensions: vector.length, vector };
  return { status: 'valid', key, output, issues: [], repairs: [], usage, text: '' };
}
