import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/index.ts';
import { candidatesResponse } from './candidates.ts';
import {
  blockedResponse,
  emptyResponse,
  modelVersionOf,
  responseIdFor,
  thoughtsTokensFor,
} from './response-assembly.ts';

const frame = { promptTokens: 10, modelVersion: 'gemini-2.5-flash', responseId: 'id' };

describe('response assembly', () => {
  it('strips models/ and derives a stable base64url id', () => {
    expect(modelVersionOf('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(modelVersionOf('gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(responseIdFor(1, 'abc')).toBe(responseIdFor(1, 'abc'));
    expect(responseIdFor(1, 'abc')).not.toBe(responseIdFor(2, 'abc'));
    expect(responseIdFor(1, 'abc')).toMatch(/^[A-Za-z0-9_-]{23}$/);
  });

  it('thinks only on models from version 2.5, within a positive budget', () => {
    expect(thoughtsTokensFor('gemini-2.0-flash', undefined, createRng(1))).toBe(0);
    expect(thoughtsTokensFor('gemini-1.5-pro-002', undefined, createRng(1))).toBe(0);
    const thoughts = thoughtsTokensFor('gemini-2.5-flash', undefined, createRng(1));
    expect(thoughts).toBeGreaterThanOrEqual(32);
    expect(thoughts).toBeLessThanOrEqual(256);
    expect(thoughtsTokensFor('gemini-3-pro-preview', undefined, createRng(1))).toBe(thoughts);
    expect(thoughtsTokensFor('gemini-2.5-flash', 0, createRng(1))).toBe(0);
    expect(thoughtsTokensFor('gemini-2.5-flash', 5, createRng(1))).toBe(5);
  });

  it('totals prompt, candidates and thoughts, omitting zero counters', () => {
    expect(candidatesResponse(frame, [{ parts: [{ text: 'abcdefgh' }], finishReason: 'STOP' }], 3)['usageMetadata']).toEqual({
      promptTokenCount: 10,
      candidatesTokenCount: 2,
      totalTokenCount: 15,
      thoughtsTokenCount: 3,
    });
    expect(candidatesResponse({ ...frame, promptTokens: 0 }, [{ parts: [{ text: '' }], finishReason: 'MAX_TOKENS' }], 0)['usageMetadata']).toEqual({});
  });

  it('builds blocked and empty responses without candidates', () => {
    expect(blockedResponse(frame)).toMatchObject({
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 },
    });
    expect(blockedResponse(frame)['candidates']).toBeUndefined();
    expect(emptyResponse(frame, 'empty-array')['candidates']).toEqual([]);
    expect('candidates' in emptyResponse(frame, 'absent')).toBe(false);
  });
});
