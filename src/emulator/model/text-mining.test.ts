import { describe, expect, it } from 'vitest';
import { mineText } from './text-mining.ts';

const corpus = mineText([
  'Extract the metadata below as JSON:',
  `# Attention Is All You Need
By Ashish Vaswani and Noam Shazeer
Venue: NeurIPS
{"doi": "10.5555/3295222", "pages": 11}
The Transformer was published on June 12, 2017 by researchers at Google Brain.
Dr. Lukasz Kaiser trained it for 3.5 days on 8 GPUs with 1,024 tokens per batch.
Write to team@example.com or visit https://example.org/paper.`,
]);

describe('mineText', () => {
  it('tells content sentences from instructions and splits sentences', () => {
    expect(corpus.sentences[0]).toMatchObject({ text: 'Extract the metadata below as JSON:', isInstruction: true });
    const facts = corpus.facts.map((sentence) => sentence.text);
    expect(facts).toContain('Dr. Lukasz Kaiser trained it for 3.5 days on 8 GPUs with 1,024 tokens per batch.');
    expect(corpus.facts.some((sentence) => sentence.isInstruction)).toBe(false);
  });

  it('finds the title line, fields, names, dates, e-mails, URLs', () => {
    expect(corpus.firstLine).toBe('Attention Is All You Need');
    expect(corpus.fields.values.get('venue')).toBe('NeurIPS');
    expect(corpus.fields.values.get('doi')).toBe('10.5555/3295222');
    expect(corpus.fields.values.get('pages')).toBe('11');
    expect(corpus.names.slice(0, 3)).toEqual(['Ashish Vaswani', 'Noam Shazeer', 'Lukasz Kaiser']);
    expect(corpus.dates).toEqual(['2017-06-12']);
    expect(corpus.emails).toEqual(['team@example.com']);
    expect(corpus.urls).toEqual(['https://example.org/paper']);
  });

  it('finds numbers with their neighbouring words and flags years', () => {
    const values = corpus.numbers.map((mention) => mention.value);
    expect(values).toEqual(expect.arrayContaining([12, 2017, 3.5, 8, 1024]));
    expect(corpus.numbers.find((mention) => mention.value === 2017)?.isYear).toBe(true);
    expect(corpus.numbers.find((mention) => mention.value === 8)?.context).toContain('gpu');
    expect(corpus.numbers.find((mention) => mention.value === 3.5)?.isInteger).toBe(false);
  });

  it('joins wrapped lines, reads JSON string members as text and flags template instructions', () => {
    const mined = mineText([
      [
        '1. `paper_metadata`: `title` and the',
        '   `authors` of the paper.',
        'The yield of wheat rose',
        'sharply after the',
        'first potassium dose.',
        '{',
        '  "abstract": "Soils were \\"poor\\". Yields doubled.",',
        '  "year": 2020',
        '}',
      ].join('\n'),
    ]);
    expect(mined.sentences.map((sentence) => [sentence.text, sentence.isInstruction])).toEqual([
      ['`paper_metadata`: `title` and the', true],
      ['`authors` of the paper.', true],
      ['The yield of wheat rose sharply after the first potassium dose.', false],
      ['Soils were "poor".', false],
      ['Yields doubled.', false],
      ['"year": 2020', false],
    ]);
  });

  it('offers the first two prose sentences together, then each alone, as summaries', () => {
    const mined = mineText(['Summarise this.\n\nThe first sentence has six words. The second one is also long enough. Venue: NeurIPS']);
    expect(mined.summaries).toEqual([
      'The first sentence has six words. The second one is also long enough.',
      'The first sentence has six words.',
      'The second one is also long enough.',
    ]);
  });

  it('falls back to instructions when the prompt has nothing else', () => {
    const only = mineText(['Write a haiku about the sea?']);
    expect(only.facts.map((sentence) => sentence.text)).toEqual(['Write a haiku about the sea?']);
    expect(only.firstLine).toBeUndefined();
  });
});
