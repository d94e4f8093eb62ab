/** @module The Gemini request codec against lines written by the code before the neutral request model. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generationOptionsOf, type GenerationConfig } from '../../config/index.ts';
import { buildRequest, serialiseInputLine, type NeutralRequest } from '../../requests/index.ts';
import { InputError } from '../../shared/index.ts';
import { decodeGeminiRequest, geminiRequestCodec, geminiRequestOf } from './gemini-request.ts';
import { estimateRequestTokens } from './gemini-request-tokens.ts';

/** Written by `buildRequest` at commit 647e72b, when it built Gemini requests itself. */
interface GoldenLine {
  case: string;
  spec: { stageName: string; model: string; keyTemplate: string; promptTemplate: string; systemInstruction?: string; generationConfig: GenerationConfig };
  repairNote?: string;
  line: string;
}
const golden = readFileSync(new URL('./__fixtures__/golden-request-lines.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((text) => JSON.parse(text) as GoldenLine);
const doc = { id: 'doc-1', text: 'Body "quoted" \\ é 😀\n\tline', fields: { title: 'Soil <b>' } };

function neutralOf(entry: GoldenLine): { key: string; request: NeutralRequest } {
  const { systemInstruction, generationConfig, ...rest } = entry.spec;
  const spec = { ...rest, ...(systemInstruction === undefined ? {} : { system: systemInstruction }), generation: generationOptionsOf(generationConfig) };
  return buildRequest(spec, doc, entry.repairNote === undefined ? {} : { repairNote: entry.repairNote });
}

describe('the Gemini request codec', () => {
  it('writes, byte for byte, the lines truebatch wrote before the neutral model, for every config shape', () => {
    expect(golden.map((entry) => entry.case)).toContain('defaulted-mime-thinking+repair');
    for (const entry of golden) {
      const { key, request } = neutralOf(entry);
      expect(serialiseInputLine({ key, requestJson: geminiRequestCodec.encode(request) }), entry.case).toBe(entry.line);
    }
  });

  it('reads each golden line back into the neutral request it came from (the ledger upgrade relies on it)', () => {
    for (const entry of golden) {
      const { request } = neutralOf(entry);
      const body = (JSON.parse(entry.line) as { request: unknown }).request;
      expect(decodeGeminiRequest(JSON.stringify(body)), entry.case).toEqual(request);
    }
  });

  it('appends a repair note to a stored body as the line with the note was always written', () => {
    const plain = golden.find((entry) => entry.case === 'soil-like');
    const repaired = golden.find((entry) => entry.case === 'soil-like+repair');
    const body = JSON.stringify((JSON.parse(plain?.line ?? '{}') as { request: unknown }).request);
    const appended = geminiRequestCodec.appendText(body, repaired?.repairNote ?? '');
    expect(serialiseInputLine({ key: 'doc-1_extract', requestJson: appended })).toBe(repaired?.line);
  });

  it('encodes file and inline parts, tools and a cached context in Gemini terms', () => {
    const request: NeutralRequest = {
      content: [
        { kind: 'file', uri: 'files/abc', mimeType: 'application/pdf' },
        { kind: 'inline', mimeType: 'image/png', base64: 'AAAA' },
      ],
      generation: {},
      tools: [{ kind: 'web-search' }],
      cachedContext: { name: 'cachedContents/c1' },
    };
    expect(JSON.parse(geminiRequestCodec.encode(request))).toEqual({
      contents: [{ role: 'user', parts: [{ fileData: { mimeType: 'application/pdf', fileUri: 'files/abc' } }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] }],
      tools: [{ googleSearch: {} }],
      cachedContent: 'cachedContents/c1',
    });
    expect(decodeGeminiRequest(geminiRequestCodec.encode(request))).toEqual(request);
  });

  it('declares an answer function and forces its call (toolConfig mode ANY), and reads both back', () => {
    const parameters = { type: 'object', properties: { ph: { type: 'number' } }, required: ['ph'] };
    const request: NeutralRequest = {
      content: [{ kind: 'text', text: 'Record the pH.' }],
      generation: { temperature: 0 },
      tools: [{ kind: 'url-context' }, { kind: 'function', name: 'record_ph', description: 'Records a pH', parameters, answer: true }],
    };
    const wire = geminiRequestCodec.encode(request);
    expect(JSON.parse(wire)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Record the pH.' }] }],
      generationConfig: { temperature: 0 },
      tools: [{ urlContext: {} }, { functionDeclarations: [{ name: 'record_ph', description: 'Records a pH', parametersJsonSchema: parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['record_ph'] } },
    });
    expect(geminiRequestOf(request)).toEqual(JSON.parse(wire));
    expect(decodeGeminiRequest(wire)).toEqual(request);
    // A declared function that is not the answer is only offered: no toolConfig.
    const offered: NeutralRequest = { ...request, tools: [{ kind: 'function', name: 'lookup' }] };
    expect(JSON.parse(geminiRequestCodec.encode(offered))).not.toHaveProperty('toolConfig');
    expect(decodeGeminiRequest(geminiRequestCodec.encode(offered))).toEqual(offered);
  });

  it('refuses a body it never wrote, naming what it cannot read', () => {
    expect(() => decodeGeminiRequest('{"contents":[{"role":"user","parts":[{"text":"x"}]}],"safetySettings":[]}')).toThrow(/safetySettings/);
    expect(() => decodeGeminiRequest('{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseModalities":["TEXT"]}}')).toThrow(InputError);
    expect(() => decodeGeminiRequest('not json')).toThrow(InputError);
  });

  it('estimates tokens by the Gemini rules over the encoded request', () => {
    for (const entry of golden) {
      const { request } = neutralOf(entry);
      const body = (JSON.parse(entry.line) as { request: unknown }).request;
      expect(geminiRequestCodec.estimateTokens(request), entry.case).toEqual(estimateRequestTokens(body));
    }
  });
});
