/** @module The fake provider's request lines: the neutral request itself, readable by engine tests. */
import { describe, expect, it } from 'vitest';
import type { NeutralRequest } from '../../requests/index.ts';
import { InputError } from '../../shared/index.ts';
import { fakeRequestCodec } from './fake-request.ts';

const request: NeutralRequest = { system: 'Be brief.', content: [{ kind: 'text', text: 'Hello' }], generation: { maxOutputTokens: 50, temperature: 0 } };

describe('the fake request codec', () => {
  it('writes the neutral request as canonical JSON and reads it back', () => {
    const json = fakeRequestCodec.encode(request);
    expect(json).toBe('{"content":[{"kind":"text","text":"Hello"}],"generation":{"maxOutputTokens":50,"temperature":0},"system":"Be brief."}');
    expect(fakeRequestCodec.decode(json)).toEqual(request);
    expect(() => fakeRequestCodec.decode('{"contents":[]}')).toThrow(InputError);
  });

  it('appends a repair note as a last text part', () => {
    const appended = fakeRequestCodec.decode(fakeRequestCodec.appendText(fakeRequestCodec.encode(request), 'Fix it.'));
    expect(appended.content).toEqual([{ kind: 'text', text: 'Hello' }, { kind: 'text', text: 'Fix it.' }]);
  });

  it('estimates a quarter of the characters in and maxOutputTokens out', () => {
    expect(fakeRequestCodec.estimateTokens(request)).toEqual({ input: Math.ceil(fakeRequestCodec.encode(request).length / 4), output: 50 });
  });
});
