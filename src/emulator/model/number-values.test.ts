import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/index.ts';
import { anchorFor, numberCandidates, rankEnumValues } from './number-values.ts';
import { hintFor } from './property-hints.ts';
import { mineText } from './text-mining.ts';

const corpus = mineText([
  'The council approved 3 new berths in 2022 for a cost of 48.5 million euros.',
  'Construction takes 30 months and the harbour is shipping-only.',
]);
const hint = (name: string) => hintFor(name, '', '', 0, undefined);

describe('number values', () => {
  it('ranks numbers by the words around them, years last', () => {
    expect(numberCandidates(corpus, hint('berths'), true)[0]).toBe(3);
    expect(numberCandidates(corpus, hint('costMillions'), false)[0]).toBe(48.5);
    expect(numberCandidates(corpus, hint('durationMonths'), true)[0]).toBe(30);
    expect(numberCandidates(corpus, hint('year'), true)[0]).toBe(2022);
    expect(numberCandidates(corpus, hint('cost'), true)).not.toContain(48.5);
    expect(numberCandidates(corpus, hint('whatever'), true).at(-1)).toBe(2022);
  });

  it('anchors array items to measured numbers in turn, and puts the anchor first when the name matches nothing', () => {
    expect([0, 1, 2, 3].map((ordinal) => anchorFor(corpus, ordinal)?.value)).toEqual([48.5, 30, 48.5, 30]);
    const anchor = anchorFor(corpus, 1);
    expect(numberCandidates(corpus, hintFor('value', '', '', 1, anchor), false)[0]).toBe(30);
    expect(numberCandidates(corpus, hintFor('cost', '', '', 1, anchor), false)[0]).toBe(48.5);
    expect(anchorFor(mineText(['No numbers here at all.']), 0)).toBeUndefined();
  });

  it('ranks enum values the text mentions first', () => {
    expect(rankEnumValues(corpus, ['rail', 'shipping', 'air'], createRng(4))[0]).toBe('shipping');
    const ranked = rankEnumValues(corpus, ['air travel', 'harbour construction'], createRng(4));
    expect(ranked[0]).toBe('harbour construction');
    expect(rankEnumValues(corpus, [1, 2], createRng(4))).toHaveLength(2);
  });
});
