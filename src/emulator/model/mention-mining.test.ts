import { describe, expect, it } from 'vitest';
import { mineFields, mineKeywords, parseJsonString, splitList } from './mention-mining.ts';
import { mineNumbers, rankUnits } from './number-mining.ts';
import { mineText } from './text-mining.ts';

describe('mention mining', () => {
  it('reads fields from key: value lines and JSON members, lists included', () => {
    const text = [
      'Venue: NeurIPS',
      '{"authors": ["Ada King", "Alan Turing"], "pages": 11, "doi": "10.1\\/x"}',
      '"keywords": ["k1", "k2"],',
    ].join('\n');
    const fields = mineFields(text.split('\n'), text);
    expect(fields.values.get('venue')).toBe('NeurIPS');
    expect(fields.lists.get('authors')).toEqual(['Ada King', 'Alan Turing']);
    expect(fields.values.get('authors')).toBe('Ada King, Alan Turing');
    expect(fields.values.get('pages')).toBe('11');
    expect(fields.values.get('doi')).toBe('10.1/x');
    expect(fields.lists.get('keywords')).toEqual(['k1', 'k2']);
  });

  it('finds numbers with their unit, context and sentence', () => {
    const sentence = 'Yield rose from 1,200 to 3.5 t/ha within 14 days, a 25% gain in 2021.';
    const numbers = mineNumbers(mineText([sentence]).facts);
    expect(numbers.map((mention) => [mention.value, mention.unit])).toEqual([
      [1200, undefined],
      [3.5, 't/ha'],
      [14, 'days'],
      [25, '%'],
      [2021, undefined],
    ]);
    expect(numbers[0]?.context).toEqual(['yield', 'rose', 'from', 'to', 't', 'ha']);
    expect(numbers[4]?.isYear).toBe(true);
    expect(numbers[1]?.sentence).toBe(sentence);
    expect(rankUnits([...numbers, ...numbers.slice(2, 3)])).toEqual(['days', 't/ha', '%']);
  });

  it('splits lists, unescapes JSON strings and ranks keywords', () => {
    expect(splitList('A. Smith, B. Jones and C. Wu; D. Li')).toEqual(['A. Smith', 'B. Jones', 'C. Wu', 'D. Li']);
    expect(parseJsonString('a \\"quoted\\" word')).toBe('a "quoted" word');
    expect(parseJsonString('bad \\q escape')).toBe('bad \\q escape');
    const keywords = mineKeywords('Ferries and more ferries. Electric ferries; electric power.');
    expect(keywords.slice(0, 2)).toEqual(['ferries', 'electric']);
  });
});
