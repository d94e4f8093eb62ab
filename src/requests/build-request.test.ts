/** @module Tests for building GenerateContentRequests. */
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../shared/index.ts';
import { buildRequest, renderKey, type RequestSpec } from './build-request.ts';
import { canonicalJson, fingerprintRequest } from './fingerprint.ts';

const spec: RequestSpec = {
  stageName: 'extract',
  model: 'models/gemini-2.5-flash',
  keyTemplate: '{id}_{stage}',
  promptTemplate: 'Extract from "{{title}}":\n{{document}}',
  systemInstruction: 'You are careful.',
  generationConfig: {
    temperature: 0,
    topP: undefined,
    responseMimeType: 'application/json',
    responseSchema: { type: 'OBJECT', properties: { ph: { type: 'NUMBER' } } },
  },
};
const doc = { id: 'doc-1', text: 'Body.', fields: { title: 'Soil' } };

describe('buildRequest', () => {
  it('builds the key, a user content, the system instruction and the generation config without undefined fields', () => {
    const built = buildRequest(spec, doc);
    expect(built.key).toBe('doc-1_extract');
    expect(built.request).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Extract from "Soil":\nBody.' }] }],
      systemInstruction: { parts: [{ text: 'You are careful.' }] },
      generationConfig: {
        temperature: 0,
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { ph: { type: 'NUMBER' } } },
      },
    });
    expect(Object.keys(built.request.generationConfig ?? {})).not.toContain('topP');
    expect(built.fingerprint).toBe(fingerprintRequest('gemini-2.5-flash', built.request));
  });

  it('serialises the request as JSON.stringify would (key order kept) and fingerprints its canonical JSON', () => {
    const { systemInstruction: _drop, ...withoutSystem } = spec;
    const variants: RequestSpec[] = [spec, withoutSystem, { ...spec, generationConfig: {} }, { ...withoutSystem, generationConfig: { topK: undefined } },
      { ...spec, promptTemplate: 'Quotes " and \\ and \u2028 and 😀 {{document}}', generationConfig: { responseJsonSchema: { properties: { b: {}, a: {} } } } }];
    for (const variant of variants) {
      for (const options of [{}, { repairNote: 'Answer with "JSON" only.' }]) {
        const built = buildRequest(variant, doc, options);
        expect(built.requestJson).toBe(JSON.stringify(built.request));
        expect(built.fingerprint).toBe(fingerprintRequest(variant.model, built.request));
      }
    }
    // The schema's property order as written is sent (Gemini answers in that order).
    const schemaOrder = buildRequest(variants[4]!, doc).requestJson;
    expect(schemaOrder.indexOf('"b"')).toBeLessThan(schemaOrder.indexOf('"a"'));
    expect(canonicalJson(JSON.parse(schemaOrder))).not.toBe(schemaOrder);
  });

  it('appends the repair note as a second part after the prompt, changing the fingerprint', () => {
    const plain = buildRequest(spec, doc);
    const repaired = buildRequest(spec, doc, { repairNote: 'Your last answer was not valid JSON.' });
    expect(repaired.request.contents[0].parts).toEqual([
      { text: 'Extract from "Soil":\nBody.' },
      { text: 'Your last answer was not valid JSON.' },
    ]);
    expect(repaired.key).toBe(plain.key);
    expect(repaired.fingerprint).not.toBe(plain.fingerprint);
  });

  it('omits systemInstruction and generationConfig when the stage has none', () => {
    const { systemInstruction: _drop, ...withoutSystem } = spec;
    const prompt = { role: 'user', parts: [{ text: 'Extract from "Soil":\nBody.' }] };
    expect(buildRequest({ ...withoutSystem, generationConfig: {} }, doc).request).toEqual({ contents: [prompt] });
    expect(buildRequest({ ...withoutSystem, generationConfig: { topK: undefined } }, doc).request).toEqual({
      contents: [prompt],
    });
  });

  it('gives the same fingerprint for the same work, whatever the generation config key order', () => {
    const reordered = {
      ...spec,
      model: 'gemini-2.5-flash',
      generationConfig: {
        responseSchema: { properties: { ph: { type: 'NUMBER' } }, type: 'OBJECT' },
        responseMimeType: 'application/json',
        temperature: 0,
      },
    };
    expect(buildRequest(reordered, doc).fingerprint).toBe(buildRequest(spec, doc).fingerprint);
  });

  it('fails with the document id when a field is missing', () => {
    expect(() => buildRequest(spec, { ...doc, fields: {} })).toThrow(InputError);
    expect(() => buildRequest(spec, { ...doc, fields: {} })).toThrow(/doc-1.*"title"/);
  });
});

describe('renderKey', () => {
  it('fills {id} and {stage} and rejects anything else', () => {
    expect(renderKey('{stage}/{id}-x', { id: 'a', stage: 's' })).toBe('s/a-x');
    expect(() => renderKey('{id}_{attempt}', { id: 'a', stage: 's' })).toThrow(ConfigError);
    expect(() => renderKey('', { id: 'a', stage: 's' })).toThrow(/empty key/);
  });
});
