import { describe, expect, it } from 'vitest';
import type { NeutralRequest } from '../../requests/index.ts';
import { geminiRequestCodec } from './gemini-request.ts';
import { geminiRequestProblem } from './gemini-tool-rules.ts';

const schema = { type: 'object' };
const request = (extra: Partial<NeutralRequest>): NeutralRequest => ({ content: [{ kind: 'text', text: 'x' }], generation: {}, ...extra });

describe('built-in tools on Gemini', () => {
  it('encodes web search and URL context as the API names them', () => {
    const body = JSON.parse(geminiRequestCodec.encode(request({ tools: [{ kind: 'web-search' }, { kind: 'url-context' }] }))) as { tools: unknown };
    expect(body.tools).toEqual([{ googleSearch: {} }, { urlContext: {} }]);
  });

  it('refuses built-in tools with a response schema on the 2.x series only, and says why', () => {
    const both = request({ tools: [{ kind: 'web-search' }], generation: { outputSchema: schema } });
    expect(geminiRequestProblem('models/gemini-2.5-flash', both)).toBe(
      'gemini-2.5-flash cannot combine built-in tools (googleSearch) with a response schema; only Gemini 3 models can. ' +
        'Use a Gemini 3 model, or drop the response schema (validation.schema still checks the answer)',
    );
    expect(geminiRequestProblem('gemini-3-flash-preview', both)).toBeUndefined();
    expect(geminiRequestProblem('gemini-2.5-flash', request({ tools: [{ kind: 'web-search' }] }))).toBeUndefined();
    expect(geminiRequestProblem('gemini-2.5-flash', request({ tools: [{ kind: 'function', name: 'f' }], generation: { outputSchema: schema } }))).toBeUndefined();
  });

  it('refuses built-in tools beside function declarations on every model, naming both', () => {
    const both = request({ tools: [{ kind: 'url-context' }, { kind: 'function', name: 'record_paper', answer: true }] });
    for (const model of ['gemini-2.5-flash', 'gemini-3-flash-preview']) {
      expect(geminiRequestProblem(model, both)).toBe('Gemini cannot combine built-in tools (urlContext) with function declarations (record_paper); drop one or the other');
    }
  });
});
