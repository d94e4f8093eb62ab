import { describe, expect, it } from 'vitest';
import { contentStems, nameStems, normaliseFieldName, overlap, stem, stemsMatch } from './text-words.ts';

describe('text words', () => {
  it('stems plurals and possessives', () => {
    const stems = ['authors', 'categories', 'class', "model's", 'is'].map(stem);
    expect(stems).toEqual(['author', 'category', 'class', 'model', 'is']);
  });

  it('splits property names in every spelling', () => {
    expect(nameStems('publicationYear')).toEqual(['publication', 'year']);
    expect(nameStems('num_pages')).toEqual(['num', 'page']);
    expect(nameStems('lead-author')).toEqual(['lead', 'author']);
    expect(normaliseFieldName('Publication Year')).toBe('publicationyear');
  });

  it('drops stopwords and matches related stems', () => {
    expect(contentStems('The models are based on attention')).toEqual(['model', 'attention']);
    expect(stemsMatch('published', 'publication')).toBe(true);
    expect(stemsMatch('page', 'pages')).toBe(false);
    expect(overlap(['gpu', 'count'], ['gpu', 'day'])).toBe(1);
  });
});
