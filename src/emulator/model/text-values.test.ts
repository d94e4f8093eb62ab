import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/index.ts';
import { mineText } from './text-mining.ts';
import { categoryOf, fieldValue, numberCandidates, rankEnumValues, stringCandidates, stringList, type ValueHint } from './text-values.ts';
import { nameStems } from './text-words.ts';

const corpus = mineText([
  `Harbour Expansion Plan
Keywords: ports, shipping, logistics
The council approved 3 new berths in 2022 for a cost of 48.5 million euros. Mayor Hilde Berg called the vote historic. Construction takes 30 months.`,
]);

const hint = (name: string, parentName = '', ordinal = 0): ValueHint => ({ name, parentName, ordinal, stems: nameStems(name) });

describe('text values', () => {
  it('sorts property names into value categories', () => {
    expect(categoryOf(hint('authorNames'))).toBe('person');
    expect(categoryOf(hint('name', 'authors'))).toBe('person');
    expect(categoryOf(hint('name', 'project'))).toBe('title');
    expect(categoryOf(hint('publication_year'))).toBe('year');
    expect(categoryOf(hint('tags'))).toBe('keyword');
    expect(categoryOf(hint('abstract'))).toBe('summary');
    expect(categoryOf(hint('berths'))).toBe('generic');
  });

  it('finds fields by the singular or plural of the property name and lists them', () => {
    expect(fieldValue(corpus, 'keyword')).toBe('ports, shipping, logistics');
    expect(stringList(corpus, hint('keywords'))).toEqual(['ports', 'shipping', 'logistics']);
    expect(stringList(corpus, hint('people'))).toEqual(['Hilde Berg']);
    expect(stringList(corpus, hint('reasons'))).toBeUndefined();
  });

  it('puts the best string first for titles, people and generic names', () => {
    const rng = createRng(1);
    expect(stringCandidates(corpus, hint('title'), undefined, rng)[0]).toBe('Harbour Expansion Plan');
    expect(stringCandidates(corpus, hint('mayor'), undefined, rng)[0]).toBe('Mayor Hilde Berg called the vote historic.');
    expect(stringCandidates(corpus, hint('published'), 'date', rng)[0]).toBe('2022-01-01');
    expect(stringCandidates(corpus, hint('email'), undefined, rng)[0]).toBe('contact@example.com');
  });

  it('ranks numbers by the words around them', () => {
    expect(numberCandidates(corpus, hint('berths'), true)[0]).toBe(3);
    expect(numberCandidates(corpus, hint('costMillions'), false)[0]).toBe(48.5);
    expect(numberCandidates(corpus, hint('durationMonths'), true)[0]).toBe(30);
    expect(numberCandidates(corpus, hint('year'), true)[0]).toBe(2022);
    expect(numberCandidates(corpus, hint('cost'), true)).not.toContain(48.5);
  });

  it('ranks enum values the text mentions first', () => {
    expect(rankEnumValues(corpus, ['rail', 'shipping', 'air'], createRng(4))[0]).toBe('shipping');
    expect(rankEnumValues(corpus, [1, 2], createRng(4))).toHaveLength(2);
  });
});
