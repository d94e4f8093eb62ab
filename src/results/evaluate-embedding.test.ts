import { describe, expect, it } from 'vitest';
import type { ModelResponse } from '../providers/index.ts';
import { compileValidator } from '../validation/index.ts';
import { evaluateResult } from './evaluate-result.ts';

const validator = compileValidator({ aliases: {}, required: [], anyOf: [] });

function response(embedding: number[]): ModelResponse {
  return { text: undefined, finish: 'stop', rawFinish: undefined, finishNote: 'an embedding', promptBlocked: undefined, usage: undefined, modelVersion: undefined, embedding, raw: null };
}

describe('judging an embedding', () => {
  it('takes a vector of the asked size as valid output {dimensions, vector}, with no JSON to parse', () => {
    const verdict = evaluateResult({ kind: 'response', key: 'k', lineNumber: 1, response: response([0.6, 0.8]) }, validator, { dimensions: 2 });
    expect(verdict).toMatchObject({ status: 'valid', output: { dimensions: 2, vector: [0.6, 0.8] } });
  });

  it('refuses a vector of another size, an empty one, and one with a value that is not finite', () => {
    const judge = (values: number[]) => evaluateResult({ kind: 'response', key: 'k', lineNumber: 1, response: response(values) }, validator, { dimensions: 3 });
    expect(judge([0.6, 0.8])).toMatchObject({ status: 'invalid', issues: [{ message: 'expected 3 values (outputDimensionality), got 2' }] });
    expect(judge([])).toMatchObject({ status: 'invalid', issues: [{ message: 'the embedding has no values' }] });
    expect(judge([1, Number.NaN, 0])).toMatchObject({ status: 'invalid' });
  });
});
