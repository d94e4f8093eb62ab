import { describe, expect, it } from 'vitest';
import { fieldsInEveryDocument, fieldsInSomeDocuments, tallyJsonFields } from './json-fields.ts';

describe('tallyJsonFields', () => {
  const tally = tallyJsonFields([
    { title: 'A', year: 2020, authors: ['x'], doi: null },
    { title: 'Bb', year: 2021, authors: ['y', 'z'], doi: '10.1/b', meta: { pages: 3 }, open: true },
  ]);

  it('counts each field in the documents that fill it, with its kind and longest text', () => {
    expect(tally.documents).toBe(2);
    expect(tally.fields).toEqual([
      { name: 'title', kind: 'string', filled: 2, longestText: 2 },
      { name: 'year', kind: 'number', filled: 2, longestText: 4 },
      { name: 'authors', kind: 'array', filled: 2, longestText: 9 },
      { name: 'doi', kind: 'string', filled: 1, longestText: 6 },
      { name: 'meta', kind: 'object', filled: 1, longestText: 11 },
      { name: 'open', kind: 'boolean', filled: 1, longestText: 4 },
    ]);
  });

  it('separates the fields every document fills (null counts as absent) from the rest', () => {
    expect(fieldsInEveryDocument(tally).map((field) => field.name)).toEqual(['title', 'year', 'authors']);
    expect(fieldsInSomeDocuments(tally).map((field) => field.name)).toEqual(['doi', 'meta', 'open']);
  });

  it('has no shared fields without documents', () => {
    expect(fieldsInEveryDocument(tallyJsonFields([]))).toEqual([]);
  });
});
