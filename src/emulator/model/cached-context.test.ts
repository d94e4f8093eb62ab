import { describe, expect, it } from 'vitest';
import { resolveCachedContent, withCachedTokens, type CachedPrefix } from './cached-context.ts';

const cache: CachedPrefix = {
  model: 'models/gemini-2.5-flash',
  totalTokens: 2000,
  content: { contents: [{ role: 'user', parts: [{ text: 'codebook' }] }], systemInstruction: { parts: [{ text: 'be brief' }] }, tools: [{ googleSearch: {} }] },
};
const lookup = (name: string): CachedPrefix | undefined => (name === 'cachedContents/abc' ? cache : undefined);

describe('resolveCachedContent', () => {
  it('puts the cached contents first and takes the cache’s system instruction and tools', () => {
    const resolved = resolveCachedContent({ contents: [{ parts: [{ text: 'q' }] }], cached_content: 'abc', generationConfig: { temperature: 0 } }, 'gemini-2.5-flash', lookup);
    expect(resolved).toEqual({
      request: {
        contents: [{ role: 'user', parts: [{ text: 'codebook' }] }, { parts: [{ text: 'q' }] }],
        generationConfig: { temperature: 0 },
        systemInstruction: { parts: [{ text: 'be brief' }] },
        tools: [{ googleSearch: {} }],
      },
      cachedTokens: 2000,
    });
  });

  it('leaves a request without a cache alone, and refuses a snake_case system_instruction beside a cache', () => {
    const request = { contents: [] };
    expect(resolveCachedContent(request, 'gemini-2.5-flash', lookup)).toEqual({ request, cachedTokens: 0 });
    const refused = resolveCachedContent({ contents: [], cachedContent: 'cachedContents/abc', system_instruction: { parts: [] } }, 'gemini-2.5-flash', lookup);
    expect(refused).toEqual({ error: { code: 400, message: 'Tool config, tools and system instruction should not be set in the request when using cached content.' } });
  });
});

describe('withCachedTokens', () => {
  it('puts cachedContentTokenCount after totalTokenCount and leaves uncached answers alone', () => {
    const response = { usageMetadata: { promptTokenCount: 2010, candidatesTokenCount: 5, totalTokenCount: 2015, thoughtsTokenCount: 0 } };
    expect(Object.keys(withCachedTokens(response, 2000)['usageMetadata'] as object)).toEqual([
      'promptTokenCount',
      'candidatesTokenCount',
      'totalTokenCount',
      'cachedContentTokenCount',
      'thoughtsTokenCount',
    ]);
    expect(withCachedTokens(response, 0)).toBe(response);
  });
});
