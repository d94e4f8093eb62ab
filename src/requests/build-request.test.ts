/** @module Tests for building neutral requests (their Gemini encoding is tested in providers/gemini). */
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../shared/index.ts';
import { buildRequest, renderKey, type RequestSpec } from './build-request.ts';
import { fingerprintRequest } from './fingerprint.ts';

const spec: RequestSpec = {
  stageName: 'extract',
  model: 'models/gemini-2.5-flash',
  keyTemplate: '{id}_{stage}',
  promptTemplate: 'Extract from "{{title}}":\n{{document}}',
  system: 'You are careful.',
  generation: {
    temperature: 0,
    topP: undefined,
    outputMimeType: 'application/json',
    outputOpenApiSchema: { type: 'OBJECT', properties: { ph: { type: 'NUMBER' } } },
  },
};
const doc = { id: 'doc-1', text: 'Body.', fields: { title: 'Soil' } };
const fingerprint = (request: ReturnType<typeof buildRequest>['request']): string =>
  fingerprintRequest({ provider: 'gemini', model: spec.model, request });

describe('buildRequest', () => {
  it('builds the key, the prompt part, the system text and the generation options without undefined members', () => {
    const built = buildRequest(spec, doc);
    expect(built.key).toBe('doc-1_extract');
    expect(built.request).toEqual({
      system: 'You are careful.',
      content: [{ kind: 'text', text: 'Extract from "Soil":\nBody.' }],
      generation: {
        temperature: 0,
        outputMimeType: 'application/json',
        outputOpenApiSchema: { type: 'OBJECT', properties: { ph: { type: 'NUMBER' } } },
      },
    });
    expect(Object.keys(built.request.generation)).not.toContain('topP');
  });

  it('keeps the options in the order given and shares one frozen options object across a stage', () => {
    const ordered = { ...spec, generation: { outputSchema: { properties: { b: {}, a: {} } }, temperature: 1 } };
    const first = buildRequest(ordered, doc).request;
    expect(Object.keys(first.generation)).toEqual(['outputSchema', 'temperature']);
    expect(Object.keys(first.generation.outputSchema?.['properties'] as object)).toEqual(['b', 'a']);
    expect(Object.isFrozen(first.generation)).toBe(true);
    expect(buildRequest(ordered, { ...doc, id: 'doc-2' }).request.generation).toBe(first.generation);
  });

  it('appends the repair note as a second part after the prompt, changing the fingerprint', () => {
    const plain = buildRequest(spec, doc);
    const repaired = buildRequest(spec, doc, { repairNote: 'Your last answer was not valid JSON.' });
    expect(repaired.request.content).toEqual([
      { kind: 'text', text: 'Extract from "Soil":\nBody.' },
      { kind: 'text', text: 'Your last answer was not valid JSON.' },
    ]);
    expect(repaired.key).toBe(plain.key);
    expect(fingerprint(repaired.request)).not.toBe(fingerprint(plain.request));
  });

  it('omits the system text and leaves the options empty when the stage has none', () => {
    const { system: _drop, ...withoutSystem } = spec;
    const prompt = [{ kind: 'text', text: 'Extract from "Soil":\nBody.' }];
    expect(buildRequest({ ...withoutSystem, generation: {} }, doc).request).toEqual({ content: prompt, generation: {} });
    expect(buildRequest({ ...withoutSystem, generation: { topK: undefined } }, doc).request).toEqual({ content: prompt, generation: {} });
  });

  it('gives the same fingerprint for the same work, whatever the options order', () => {
    const reordered: RequestSpec = {
      ...spec,
      model: 'gemini-2.5-flash',
      generation: {
        outputOpenApiSchema: { properties: { ph: { type: 'NUMBER' } }, type: 'OBJECT' },
        outputMimeType: 'application/json',
        temperature: 0,
      },
    };
    expect(fingerprint(buildRequest(reordered, doc).request)).toBe(fingerprint(buildRequest(spec, doc).request));
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
