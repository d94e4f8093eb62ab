import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/index.ts';
import { hintFor } from './property-hints.ts';
import { stringCandidates, stringList } from './string-values.ts';
import { mineText } from './text-mining.ts';

const corpus = mineText([
  [
    'Harbour Expansion Plan',
    'Keywords: ports, shipping, logistics',
    'The council approved 3 new berths in 2022 for a cost of 48.5 million euros. Mayor Hilde Berg called the vote ' +
      'historic. Construction takes 30 months.',
  ].join('\n'),
]);

const hint = (name: string, ordinal = 0) => hintFor(name, '', '', ordinal, undefined);
const best = (name: string, format?: string) => stringCandidates(corpus, hint(name), format, createRng(1))[0];

describe('string values', () => {
  it('offers ready-made lists from fields, names and keywords', () => {
    expect(stringList(corpus, hint('keywords'))).toEqual(['ports', 'shipping', 'logistics']);
    expect(stringList(corpus, hint('people'))).toEqual(['Hilde Berg']);
    expect(stringList(corpus, hint('reasons'))).toBeUndefined();
  });

  it('puts the best string first for each kind of property', () => {
    expect(best('title')).toBe('Harbour Expansion Plan');
    expect(best('mayor')).toBe('Mayor Hilde Berg called the vote historic.');
    expect(best('published', 'date')).toBe('2022-01-01');
    expect(best('email')).toBe('contact@example.com');
    expect(best('unit')).toBe('million');
    expect(best('summary')).toBe(
      'The council approved 3 new berths in 2022 for a cost of 48.5 million euros. ' +
        'Mayor Hilde Berg called the vote historic.',
    );
  });

  it('gives array items distinct candidates by ordinal', () => {
    const second = stringCandidates(corpus, hint('keywords', 1), undefined, createRng(1));
    expect(second[1]).toBe('shipping');
  });

  it('uses an anchor number for unit and descriptive properties', () => {
    const anchor = corpus.numbers.find((mention) => mention.value === 30);
    const anchored = (name: string) =>
      stringCandidates(corpus, hintFor(name, '', '', 0, anchor), undefined, createRng(1))[0];
    expect(anchored('unit')).toBe('months');
    expect(anchored('context')).toBe('Construction takes 30 months.');
  });
});
