import { describe, expect, it } from 'vitest';
import { isInstruction, splitSentences, toSentence } from './sentences.ts';

/** The sentence-break pattern as a plain `split` uses it: `splitSentences` must cut exactly where it does. */
const REFERENCE_BREAK =
  /(?<=[\p{Ll}\p{N})\]"'][.!?])(?<!\b(?:Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|vs|Fig|No|al|Inc|Ltd|Co|e\.g|i\.e)\.)\s+(?=[\p{Lu}\p{N}"'([])/u;

describe('sentences', () => {
  it('splits a line exactly where the reference pattern does', () => {
    const lines = [
      'Yield rose 12.5% (p=0.045). Dr. Smith agreed! Was it 3? "Yes," she said. (Maybe.) [Later] 2021 came.',
      'See Fig. 3 and No. 7, e.g. Table 2 vs. Table 4. Acme Inc. Ltd. grew.\u00a0Then it fell.\u2003Again!',
      'no capital after. the end.  Two  spaces.\tTab? Newline-free 😀. Émile wrote. 𝑎. Ünal ran.',
      '...!?. A. b. C', '', 'x', 'A.B. C', 'done.   ', '1.5. 2.5. 3',
    ];
    for (const line of lines) expect(splitSentences(line)).toEqual(line.split(REFERENCE_BREAK));
  });

  it('tells instructions from content and works out stems and prose on demand', () => {
    expect(isInstruction('Return the result as JSON.')).toBe(true);
    expect(isInstruction('The yield rose by a third in two years.')).toBe(false);
    const sentence = toSentence('  The trial plots received potassium at four rates over two seasons.  ');
    expect(sentence.text).toBe('The trial plots received potassium at four rates over two seasons.');
    expect(sentence.isProse).toBe(true);
    expect(sentence.stems).toEqual(['trial', 'plot', 'received', 'potassium', 'four', 'rate', 'season']);
    expect(toSentence('Title: A study').isProse).toBe(false);
    expect(toSentence(`${'word '.repeat(80)}end`).text).toMatch(/^(word ){59}word…$/);
  });
});
