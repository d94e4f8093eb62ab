import { describe, expect, it } from 'vitest';
import type { NeutralRequest } from '../../requests/index.ts';
import { geminiRequestCodec } from './gemini-request.ts';
import { parseResultLine } from './gemini-results.ts';

const embed: NeutralRequest = {
  content: [{ kind: 'text', text: 'Potassium fixation in vertisols' }],
  generation: {},
  embedding: { dimensions: 768, taskType: 'RETRIEVAL_DOCUMENT' },
};

function line(value: unknown) {
  const text = JSON.stringify(value);
  return parseResultLine({ lineNumber: 1, ok: true, value, bytes: text.length + 1 });
}

describe('the Gemini codec for embedding requests', () => {
  it('writes an EmbedContentRequest (content, outputDimensionality, taskType) and reads it back', () => {
    const json = geminiRequestCodec.encode(embed);
    expect(json).toBe('{"content":{"parts":[{"text":"Potassium fixation in vertisols"}]},"outputDimensionality":768,"taskType":"RETRIEVAL_DOCUMENT"}');
    expect(geminiRequestCodec.decode(json)).toEqual(embed);
    expect(geminiRequestCodec.encode({ ...embed, embedding: {} })).toBe('{"content":{"parts":[{"text":"Potassium fixation in vertisols"}]}}');
  });

  it('estimates input tokens only, and refuses a part that is not text', () => {
    const estimate = geminiRequestCodec.estimateTokens(embed);
    expect(estimate.output).toBe(0);
    expect(estimate.input).toBeGreaterThan(0);
    expect(() => geminiRequestCodec.encode({ ...embed, content: [{ kind: 'file', uri: 'files/x', mimeType: 'application/pdf' }] })).toThrow(/text parts only/);
  });

  it('appends a text part to a stored embedding body without reordering it', () => {
    const json = geminiRequestCodec.appendText(geminiRequestCodec.encode(embed), 'more');
    expect(JSON.parse(json)).toEqual({ content: { parts: [{ text: 'Potassium fixation in vertisols' }, { text: 'more' }] }, outputDimensionality: 768, taskType: 'RETRIEVAL_DOCUMENT' });
  });
});

describe('embedding result lines', () => {
  it('reads {key, response: {tokenCount, embedding: {values}}} into a response with the vector and input-only usage', () => {
    const item = line({ key: 'doc_embed', response: { tokenCount: '7', embedding: { values: [0.6, -0.8] } } });
    expect(item).toMatchObject({
      kind: 'response',
      key: 'doc_embed',
      response: { text: undefined, embedding: [0.6, -0.8], usage: { promptTokens: 7, outputTokens: 0, totalTokens: 7 } },
    });
  });

  it('says what is wrong with an embedding that has no values', () => {
    const item = line({ key: 'doc_embed', response: { embedding: {} } });
    expect(item.kind).toBe('malformed');
    expect(item.kind === 'malformed' && item.reason).toMatch(/result line 1 "response" is not an embedding/);
  });
});
