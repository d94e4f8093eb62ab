import { describe, expect, it } from 'vitest';
import { editDistance, suggestKey } from './suggest-key.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('tempreature', 'temperature')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('suggestKey', () => {
  const known = ['temperature', 'topP', 'topK', 'maxOutputTokens', 'responseJsonSchemaFile'];
  it('finds typos and case or separator slips', () => {
    expect(suggestKey('tempreature', known)).toBe('temperature');
    expect(suggestKey('max_output_tokens', known)).toBe('maxOutputTokens');
    expect(suggestKey('TopP', known)).toBe('topP');
    expect(suggestKey('responseJsonSchemaFil', known)).toBe('responseJsonSchemaFile');
  });
  it('suggests nothing when no key is plausibly meant', () => {
    expect(suggestKey('colour', known)).toBeUndefined();
    expect(suggestKey('x', known)).toBeUndefined();
  });
});
