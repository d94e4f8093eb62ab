import { describe, expect, it } from 'vitest';
import { builtInToolsOf, groundingMetadataFor, toolsWithJsonRefusal, withToolMetadata } from './grounding.ts';

interface Support {
  segment: { partIndex?: number; startIndex?: number; endIndex: number; text: string };
  groundingChunkIndices: number[];
}

describe('grounding metadata', () => {
  it('gives segments as UTF-8 byte offsets that cut the answer exactly, after multi-byte characters too', () => {
    const answer = 'Göttingen liegt in Niedersachsen. Kalium: 0.42 cmol/kg — hoch!\nDer Boden ist ein Luvisol.';
    const metadata = groundingMetadataFor(answer, 0, ['Wo liegt Göttingen?']);
    const supports = metadata['groundingSupports'] as Support[];
    expect(supports.map((support) => support.segment.text)).toEqual([
      'Göttingen liegt in Niedersachsen.',
      'Kalium: 0.42 cmol/kg — hoch!',
      'Der Boden ist ein Luvisol.',
    ]);
    const bytes = Buffer.from(answer, 'utf8');
    for (const { segment } of supports) expect(bytes.subarray(segment.startIndex ?? 0, segment.endIndex).toString('utf8')).toBe(segment.text);
    expect(supports[0]!.segment.startIndex).toBeUndefined();
    expect(supports[1]!.segment.startIndex).toBe(Buffer.byteLength('Göttingen liegt in Niedersachsen. '));
    expect(metadata['webSearchQueries']).toEqual(['wo liegt göttingen']);
  });

  it('is the same for the same question and differs for another', () => {
    const first = groundingMetadataFor('A Luvisol.', 0, ['What is a Luvisol?']);
    expect(groundingMetadataFor('A Luvisol.', 0, ['What is a Luvisol?'])).toEqual(first);
    expect(groundingMetadataFor('A Luvisol.', 0, ['What is a Cambisol?'])['groundingChunks']).not.toEqual(first['groundingChunks']);
  });

  it('cites the first non-thought text part and names its partIndex', () => {
    const response = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'The answer is 7.' }] } }],
    };
    const grounded = withToolMetadata(response, { googleSearch: true, urlContext: false, codeExecution: false }, ['How many?']);
    const candidate = (grounded['candidates'] as Record<string, unknown>[])[0]!;
    const supports = (candidate['groundingMetadata'] as { groundingSupports: Support[] }).groundingSupports;
    expect(supports).toEqual([{ segment: { partIndex: 1, endIndex: 16, text: 'The answer is 7.' }, groundingChunkIndices: [0] }]);
    expect(response.candidates[0]).not.toHaveProperty('groundingMetadata');
  });

  it('reads google_search and urlContext in either spelling, and refuses JSON answers with tools before Gemini 3', () => {
    const tools = builtInToolsOf({ tools: [{ google_search: {} }, { url_context: {} }] });
    expect(tools).toEqual({ googleSearch: true, urlContext: true, codeExecution: false });
    expect(toolsWithJsonRefusal(tools, 'application/json', 'gemini-2.5-pro')).toBe("Tool use with a response mime type: 'application/json' is unsupported");
    expect(toolsWithJsonRefusal(tools, 'application/json', 'gemini-3-pro-preview')).toBeUndefined();
    expect(toolsWithJsonRefusal(tools, 'text/plain', 'gemini-2.5-flash')).toBeUndefined();
    expect(() => builtInToolsOf({ tools: {} })).toThrow('tools: must be an array');
  });
});
