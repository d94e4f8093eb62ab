import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { estimateTextTokens } from './text-tokens.ts';

const SAMPLES = new URL('./__fixtures__/token-samples/', import.meta.url);

/** Reference counts from the Gemma 3 tokenizer (see reference-counts.json) for the sample texts. */
function loadSamples(): { name: string; text: string; tokens: number }[] {
  const reference = z
    .object({ counts: z.record(z.string(), z.number().int().positive()) })
    .parse(JSON.parse(readFileSync(new URL('reference-counts.json', SAMPLES), 'utf8')));
  return Object.entries(reference.counts).map(([name, tokens]) => ({
    name,
    text: readFileSync(new URL(name, SAMPLES), 'utf8'),
    tokens,
  }));
}

const samples = loadSamples();

describe('estimateTextTokens', () => {
  it('counts a short English sentence exactly as Gemini does', () => {
    // Gemini's countTokens docs and the Gemma 3 tokenizer both give 10.
    expect(estimateTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('counts one token per digit, as Gemini splits numbers', () => {
    expect(estimateTextTokens('1234567890')).toBe(10);
    expect(estimateTextTokens('3.14')).toBe(4);
  });

  it('is 0 for the empty string and at least 1 for any non-empty text', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('a')).toBe(1);
    expect(estimateTextTokens('日')).toBe(1);
    expect(estimateTextTokens('\n')).toBe(1);
  });

  it('splits camelCase keys and long words', () => {
    expect(estimateTextTokens('sampleId')).toBe(2);
    expect(estimateTextTokens('x'.repeat(40))).toBe(5);
  });

  it.each(samples)('is within -15%..+15% of the real count for $name', ({ text, tokens }) => {
    const ratio = estimateTextTokens(text) / tokens;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('has a mean absolute error under 6% over all samples, several times better than bytes / 4', () => {
    const error = (estimate: (text: string) => number): number =>
      samples.reduce((sum, { text, tokens }) => sum + Math.abs(estimate(text) / tokens - 1), 0) / samples.length;
    expect(error(estimateTextTokens)).toBeLessThan(0.06);
    expect(error((text) => Buffer.byteLength(text) / 4)).toBeGreaterThan(0.2);
  });

  it('never decreases as a text grows', () => {
    for (const { name, text } of samples) {
      const characters = Array.from(text);
      let previous = 0;
      for (let end = 1; end <= characters.length; end += 1) {
        const estimate = estimateTextTokens(characters.slice(0, end).join(''));
        if (estimate < previous) expect.fail(`${name}: ${estimate} < ${previous} at character ${end}`);
        previous = estimate;
      }
    }
  });

  it('grows linearly with repeated text', () => {
    const prose = samples.find((sample) => sample.name === 'prose1.txt')?.text ?? '';
    const once = estimateTextTokens(prose);
    expect(estimateTextTokens(prose.repeat(10))).toBeGreaterThanOrEqual(10 * once - 10);
    expect(estimateTextTokens(prose.repeat(10))).toBeLessThanOrEqual(10 * once + 10);
  });
});
