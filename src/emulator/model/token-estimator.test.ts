import { describe, expect, it } from 'vitest';
import { parseRequest } from './request-parsing.ts';
import { countPromptTokens, estimateTextTokens, truncateToTokens } from './token-estimator.ts';

describe('token estimator', () => {
  it('counts ceil(utf8 bytes / 4)', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('abcd')).toBe(1);
    expect(estimateTextTokens('abcde')).toBe(2);
    expect(estimateTextTokens('ééé')).toBe(2);
    expect(estimateTextTokens('😀')).toBe(1);
  });

  it('sums text parts, media parts and structured parts of contents and the system instruction', () => {
    const request = parseRequest({
      systemInstruction: { parts: [{ text: 'abcdefgh' }] },
      contents: [
        { role: 'user', parts: [{ text: 'abc' }, { inlineData: { mimeType: 'image/jpeg', data: 'AAAA' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'f' } }] },
      ],
    });
    expect(countPromptTokens(request)).toBe(2 + 1 + 258 + estimateTextTokens('{"functionCall":{"name":"f"}}'));
  });

  it('truncates to a byte budget without splitting a character', () => {
    expect(truncateToTokens('short', 10)).toBe('short');
    expect(truncateToTokens('abcdefghij', 2)).toBe('abcdefgh');
    const cut = truncateToTokens('ééééé😀', 2);
    expect(cut).toBe('éééé');
    expect(estimateTextTokens(truncateToTokens('😀😀😀', 1))).toBeLessThanOrEqual(1);
    expect(truncateToTokens('a😀', 1)).toBe('a');
  });
});
