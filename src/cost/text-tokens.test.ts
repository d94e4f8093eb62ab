import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRng } from '../shared/index.ts';
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

/** A copy of the regex path of text-tokens.ts: what the ASCII fast path must reproduce exactly. */
function referenceEstimate(text: string): number {
  const cjk = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}`;
  const wordLetter = String.raw`(?:(?![${cjk}])[\p{Ll}\p{Lo}\p{Lm}\p{M}])`;
  const piece = new RegExp(
    String.raw`(\p{Nd})|([${cjk}])|(\p{Lu}?${wordLetter}+|\p{Lu}+(?!\p{Ll}))|(\n+)|([ \t]{2,})|(\s)` +
      String.raw`|([^\s\p{L}\p{N}]+)|(.)`,
    'gsu',
  );
  let tokens = 0;
  for (const [, digit, cjkChar, word, newlines, spaces, single, symbols] of text.matchAll(piece)) {
    if (digit !== undefined) tokens += 1;
    else if (cjkChar !== undefined) tokens += 0.6;
    // eslint-disable-next-line no-control-regex -- the ASCII range test needs \x00
    else if (word !== undefined) tokens += Math.ceil([...word].length / (/^[\x00-\x7f]*$/.test(word) ? 8 : 5));
    else if (newlines !== undefined) tokens += 1;
    else if (spaces !== undefined) tokens += Math.ceil(spaces.length / 31);
    else if (single !== undefined) tokens += 0;
    else if (symbols !== undefined) tokens += Math.ceil([...symbols].length / 3);
    else tokens += 1;
  }
  return Math.ceil(Math.round(tokens * 1000) / 1000);
}

const isAscii = (text: string): boolean => Buffer.byteLength(text) === text.length;

/** Seeded random ASCII: letters of both cases, digits, blanks, line breaks and punctuation, sometimes in long runs. */
function randomAsciiTexts(count: number): string[] {
  const rng = createRng('text-tokens:ascii');
  const groups = [
    ...['abcdefghijklmnopqrstuvwxyz', 'abcxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'AXZ', '0123456789'],
    ...[' ', ' \t', '\n', '\r\n', '\v\f', '.,:;"{}[]()-_/*#', '\u0000\u001f\u007f'],
  ];
  return Array.from({ length: count }, () => {
    let text = '';
    for (let length = rng.int(40); length > 0; length -= 1) {
      const character = rng.pick(Array.from(rng.pick(groups)));
      text += rng.int(6) === 0 ? character.repeat(1 + rng.int(40)) : character;
    }
    return text;
  });
}

describe('estimateTextTokens on ASCII text (the fast path)', () => {
  it('counts every ASCII sample exactly as the regex does', () => {
    const names = readdirSync(SAMPLES).filter((name) => isAscii(readFileSync(new URL(name, SAMPLES), 'utf8')));
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) {
      const text = readFileSync(new URL(name, SAMPLES), 'utf8');
      expect(estimateTextTokens(text), name).toBe(referenceEstimate(text));
    }
  });

  it('counts 4000 seeded random ASCII strings exactly as the regex does', () => {
    const texts = randomAsciiTexts(4000);
    expect(texts.every(isAscii)).toBe(true);
    expect(new Set(texts.map(referenceEstimate)).size).toBeGreaterThan(50);
    for (const text of texts) expect(estimateTextTokens(text), JSON.stringify(text)).toBe(referenceEstimate(text));
  });

  it.each([
    ['', 0],
    ['ABCdef', 2], // `AB` + `Cdef`
    ['HTMLParser', 2],
    ['Abc', 1],
    ['ABC', 1],
    ['ABC.', 2],
    ['aB', 2],
    ['AbC', 2],
    ['A'.repeat(9), 2],
    [`${'A'.repeat(9)}b`, 2], // 8 capitals + `Ab`
    [`${'A'.repeat(2)}${'b'.repeat(8)}`, 3], // `A` + `Abbbbbbbb`
    ['a'.repeat(8), 1],
    ['a'.repeat(9), 2],
    ['\r\n', 1],
    ['\r', 0],
    ['\v\f\r', 0],
    [' \t', 1],
    ['\t ', 1],
    [' \n ', 1],
    ['\n\n  \n', 3],
    [' '.repeat(31), 1],
    [' '.repeat(32), 2],
    ['x  ', 2],
    [' x', 1],
    ['...', 1],
    ['....', 2],
    ['\u0000\u007f', 1],
    ['12.5%', 5],
    ['a1b', 3],
    ['{"sampleId": 42}', 7],
  ])('counts %j as %i, as the regex does', (text, tokens) => {
    expect(estimateTextTokens(text)).toBe(tokens);
    expect(referenceEstimate(text)).toBe(tokens);
  });

  it('leaves non-ASCII text to the regex, which the reference copy matches', () => {
    const texts = [...samples.map((sample) => sample.text), ...randomAsciiTexts(500)].map((text, index) => {
      const at = index % (text.length + 1);
      return `${text.slice(0, at)}${['é', '日', 'É', '\u00a0', '·'][index % 5] ?? ''}${text.slice(at)}`;
    });
    for (const text of texts) expect(estimateTextTokens(text), JSON.stringify(text)).toBe(referenceEstimate(text));
  });
});
