import { describe, expect, it } from 'vitest';
import { forEachMatch } from './pattern-matching.ts';

function matches(pattern: RegExp, text: string): [string, number][] {
  const found: [string, number][] = [];
  forEachMatch(pattern, text, (match) => found.push([match[0], match.index]));
  return found;
}

describe('forEachMatch', () => {
  it('visits the matches matchAll finds, empty ones and surrogate pairs included, and can run again', () => {
    const cases: [RegExp, string][] = [
      [/\d+/g, 'a1 b22 c333'],
      [/x*/g, 'axxb'],
      [/\p{L}*/gu, '😀a😀bc'],
      [/(?:)/g, '😀'],
      [/(?:)/gu, '😀x'],
    ];
    for (const [pattern, text] of cases) {
      const expected = [...text.matchAll(pattern)].map((match): [string, number] => [match[0], match.index]);
      expect(matches(pattern, text)).toEqual(expected);
      expect(matches(pattern, text)).toEqual(expected);
    }
  });
});
