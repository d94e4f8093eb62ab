/**
 * @module Judging neutral results, whatever provider read them (Gemini's own lines are judged in
 * providers/gemini/gemini-judging.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ModelResponse, ResultItem } from '../providers/index.ts';
import { compileValidator } from '../validation/index.ts';
import { evaluateResult } from './evaluate-result.ts';

const validator = compileValidator({ schema: { type: 'object', properties: { ph: { type: 'number' } }, required: ['ph'] }, aliases: {}, required: [], anyOf: [] });
const usage = { promptTokens: 10, outputTokens: 5, thoughtsTokens: 0, cachedTokens: 0, totalTokens: 15 };

/** A result as another provider (say, one that says `length` when the output limit is spent) would read it. */
function item(response: Partial<ModelResponse>): Extract<ResultItem, { kind: 'response' }> {
  const base: ModelResponse = { text: '{"ph": 6.5}', finish: 'stop', rawFinish: 'end_turn', finishNote: 'stop_reason end_turn', promptBlocked: undefined, usage, modelVersion: 'm', raw: null };
  return { kind: 'response', key: 'k', lineNumber: 1, response: { ...base, ...response } };
}

describe('evaluateResult on neutral results', () => {
  it('accepts valid JSON that stopped normally', () => {
    expect(evaluateResult(item({}), validator)).toMatchObject({ status: 'valid', output: { ph: 6.5 }, issues: [] });
  });

  it('judges by the normalised finish, and quotes the provider in its messages', () => {
    expect(evaluateResult(item({ finish: 'blocked', rawFinish: 'refusal', finishNote: 'stop_reason refusal' }), validator)).toMatchObject({
      status: 'failed', reason: 'blocked', message: 'response blocked: stop_reason refusal',
    });
    expect(evaluateResult(item({ text: '{"ph": 6', finish: 'max-tokens', rawFinish: 'length' }), validator)).toMatchObject({
      status: 'failed', reason: 'truncated', message: expect.stringMatching(/^the response hit length: /) as unknown,
    });
    expect(evaluateResult(item({ text: '', finish: 'max-tokens', rawFinish: 'length' }), validator)).toMatchObject({ reason: 'truncated' });
    expect(evaluateResult(item({ text: '{"ph": 6', finish: 'other', rawFinish: 'length' }), validator)).toMatchObject({ reason: 'unparseable' });
    expect(evaluateResult(item({ promptBlocked: 'policy' }), validator)).toMatchObject({ reason: 'blocked', message: 'prompt blocked: policy' });
    expect(evaluateResult(item({ text: undefined, finish: undefined, rawFinish: undefined, finishNote: 'no answer' }), validator)).toMatchObject({
      reason: 'empty', message: 'the response has no text (no answer)',
    });
  });

  it('judges a function called as the answer by its arguments, like a JSON answer', () => {
    const called = (args: unknown) => item({ text: undefined, functionCall: { name: 'record', args } });
    expect(evaluateResult(called({ ph: 6.5 }), validator)).toMatchObject({ status: 'valid', output: { ph: 6.5 }, text: '{"ph":6.5}' });
    expect(evaluateResult(called({ ph: 'acid' }), validator)).toMatchObject({ status: 'invalid', issues: [{ path: '/ph' }] });
    expect(evaluateResult(item({ text: undefined, promptBlocked: 'policy', functionCall: { name: 'record', args: { ph: 1 } } }), validator)).toMatchObject({ reason: 'blocked' });
  });

  it('notes complete JSON that did not stop normally', () => {
    const verdict = evaluateResult(item({ finish: 'max-tokens', rawFinish: 'length', finishNote: 'stop_reason length' }), validator);
    expect(verdict).toMatchObject({ status: 'valid', issues: [{ severity: 'warning', message: 'the response ended with stop_reason length, but its JSON is complete' }] });
  });
});
