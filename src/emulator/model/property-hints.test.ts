import { describe, expect, it } from 'vitest';
import { categoryOf, fieldList, fieldValue, hintFor } from './property-hints.ts';
import { mineText } from './text-mining.ts';

const hint = (name: string, parentName = '') => hintFor(name, parentName, '', 0, undefined);

describe('property hints', () => {
  it('sorts property names into value categories', () => {
    expect(categoryOf(hint('authorNames'))).toBe('person');
    expect(categoryOf(hint('name', 'authors'))).toBe('person');
    expect(categoryOf(hint('name', 'project'))).toBe('title');
    expect(categoryOf(hint('publication_year'))).toBe('year');
    expect(categoryOf(hint('tags'))).toBe('keyword');
    expect(categoryOf(hint('abstract'))).toBe('summary');
    expect(categoryOf(hint('unit'))).toBe('unit');
    expect(categoryOf(hint('berths'))).toBe('generic');
  });

  it('stems the name and the description together', () => {
    expect(hintFor('gpuCount', 'paper', 'Number of GPUs used', 2, undefined)).toMatchObject({
      stems: ['gpu', 'count', 'number', 'gpu'],
      ordinal: 2,
    });
  });

  it('finds a field under the singular or plural of the property name, as a value and as a list', () => {
    const corpus = mineText(['Keywords: ports, shipping and logistics\n{"tags": ["a, b", "c"]}']);
    expect(fieldValue(corpus, 'keyword')).toBe('ports, shipping and logistics');
    expect(fieldList(corpus, 'keywords')).toEqual(['ports', 'shipping', 'logistics']);
    expect(fieldList(corpus, 'tags')).toEqual(['a, b', 'c']);
    expect(fieldValue(corpus, 'missing')).toBeUndefined();
    expect(fieldValue(corpus, '')).toBeUndefined();
  });
});
