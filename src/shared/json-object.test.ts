import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { isRecord, parseJsonObject } from './json-object.ts';

describe('JSON objects', () => {
  it('tells an object from arrays, null and scalars', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([[], null, undefined, 'x', 1, true].map(isRecord)).toEqual([false, false, false, false, false, false]);
  });

  it('parses an object, and names what is wrong with anything else', () => {
    expect(parseJsonObject('{"a":[1]}', 'request')).toEqual({ a: [1] });
    expect(() => parseJsonObject('{"a":', 'request')).toThrow(InputError);
    expect(() => parseJsonObject('{"a":', 'request')).toThrow(/request.*is not JSON/);
    expect(() => parseJsonObject('[1]', 'request')).toThrow(/request.*must be a JSON object/);
  });
});
