/** @module Tests for canonical JSON and request fingerprints. */
import { describe, expect, it } from 'vitest';
import { InputError, sha256Hex } from '../shared/index.ts';
import { bareModelName, canonicalJson, fingerprintRequest } from './fingerprint.ts';
import type { NeutralRequest } from './neutral-request.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('follows JSON.stringify for undefined, non-finite numbers, toJSON and string escapes', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, NaN], c: new Date(0), d: 'q"\n' })).toBe(
      '{"b":[null,null],"c":"1970-01-01T00:00:00.000Z","d":"q\\"\\n"}',
    );
    expect(JSON.parse(canonicalJson({ 'é': 1, 'ü': [2] }))).toEqual({ 'é': 1, 'ü': [2] });
  });

  it('rejects bigints and cycles with an InputError naming where', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(() => canonicalJson({ n: 1n })).toThrow(InputError);
    expect(() => canonicalJson(cyclic)).toThrow(/\$\.self/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('canonicalJson of frozen values', () => {
  it('gives the same text for a frozen tree however often it is reused, and sees changes below an unfrozen member', () => {
    const schema = Object.freeze({ type: 'object', properties: Object.freeze({ b: Object.freeze({ type: 'string' }), a: Object.freeze({ type: 'integer' }) }) });
    const expected = '{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}';
    expect(canonicalJson(schema)).toBe(expected);
    expect(canonicalJson({ schema, text: 'x' })).toBe(`{"schema":${expected},"text":"x"}`);
    expect(canonicalJson({ schema, text: 'y' })).toBe(`{"schema":${expected},"text":"y"}`);
    // A frozen object whose member is not frozen can still change below: it must never be served from memory.
    const inner = { n: 1 };
    const shallow = Object.freeze({ inner });
    expect(canonicalJson(shallow)).toBe('{"inner":{"n":1}}');
    inner.n = 2;
    expect(canonicalJson(shallow)).toBe('{"inner":{"n":2}}');
  });
});

describe('fingerprintRequest', () => {
  const request: NeutralRequest = {
    content: [{ kind: 'text', text: 'Summarise.' }],
    generation: { temperature: 0, outputMimeType: 'application/json' },
  };
  const work = { provider: 'gemini', model: 'gemini-2.5-flash', request };

  it('is sha256 hex of the canonical {model, provider, request}', () => {
    expect(fingerprintRequest(work)).toBe(sha256Hex(canonicalJson({ model: 'gemini-2.5-flash', provider: 'gemini', request })));
    expect(fingerprintRequest(work)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never changes for the same work: ledgers written by earlier versions keep matching', () => {
    // Pinned since the neutral request model (issue 15); older ledgers are upgraded to it when opened.
    expect(fingerprintRequest(work)).toBe('255a23421555581f4dae1c8d61b153b29b56d700de7ae840e2abb142c62289b8');
  });

  it('takes the same hash through its fast path as through canonicalJson, for every request shape', () => {
    const shapes: NeutralRequest[] = [
      request,
      { ...request, system: 'Be "brief".\n' },
      { ...request, content: [{ kind: 'text', text: 'a' }, { kind: 'file', uri: 'files/x', mimeType: 'application/pdf' }, { kind: 'inline', mimeType: 'image/png', base64: 'AA' }] },
      { ...request, tools: [{ kind: 'web-search' }], cachedContext: { name: 'c/1' } },
    ];
    for (const shape of shapes) {
      expect(fingerprintRequest({ ...work, request: shape })).toBe(sha256Hex(canonicalJson({ model: 'gemini-2.5-flash', provider: 'gemini', request: shape })));
    }
  });

  it('ignores key order and the models/ prefix', () => {
    const reordered: NeutralRequest = {
      generation: { outputMimeType: 'application/json', temperature: 0 },
      content: [{ text: 'Summarise.', kind: 'text' }],
    };
    expect(fingerprintRequest({ ...work, model: 'models/gemini-2.5-flash', request: reordered })).toBe(fingerprintRequest(work));
    expect(bareModelName('models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
  });

  it('changes when one character of the request, the model or the provider changes', () => {
    const base = fingerprintRequest(work);
    const oneChar: NeutralRequest = { ...request, content: [{ kind: 'text', text: 'Summarise!' }] };
    expect(fingerprintRequest({ ...work, request: oneChar })).not.toBe(base);
    expect(fingerprintRequest({ ...work, model: 'gemini-2.5-flasH' })).not.toBe(base);
    expect(fingerprintRequest({ ...work, provider: 'fake' })).not.toBe(base);
    expect(fingerprintRequest({ ...work, request: { ...request, generation: { temperature: 1 } } })).not.toBe(base);
  });
});
