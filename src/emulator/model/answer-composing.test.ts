import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/index.ts';
import { composeAnswer, serialiseJson } from './answer-composing.ts';
import { parseGenerationConfig } from './generation-config.ts';
import { mineText } from './text-mining.ts';

const corpus = mineText([
  'The bridge opened in 1998. It spans 1.6 kilometres across the strait. Tolls ended in 2012.',
  'When did tolls end on the bridge?',
]);

describe('composeAnswer', () => {
  it('answers plain text with the sentences that share words with the question', () => {
    const answer = composeAnswer(parseGenerationConfig(undefined), undefined, corpus, createRng(1));
    expect(answer).toEqual({ kind: 'text', text: 'The bridge opened in 1998. Tolls ended in 2012.' });
  });

  it('answers with the first two sentences when nothing matches the question', () => {
    const unrelated = mineText(['Cats sleep a lot. Dogs bark at night. Birds sing.', 'What about taxes?']);
    expect(composeAnswer(parseGenerationConfig(undefined), undefined, unrelated, createRng(1))).toEqual({
      kind: 'text',
      text: 'Cats sleep a lot. Dogs bark at night.',
    });
  });

  it('answers JSON from the schema', () => {
    const schema = { type: 'object', properties: { length: { type: 'number' } }, required: ['length'] };
    const settings = parseGenerationConfig({ responseMimeType: 'application/json', responseJsonSchema: schema });
    const answer = composeAnswer(settings, settings.compiledSchema, corpus, createRng(1));
    expect(answer).toEqual({ kind: 'json', value: { length: 1.6 } });
    expect(serialiseJson({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
