import { describe, expect, it } from 'vitest';
import { InputError } from '../../shared/index.ts';
import { rememberLast, sameJson } from './json-equality.ts';

describe('sameJson', () => {
  it('is true only for the same JSON, member order and -0 included', () => {
    expect(sameJson({ a: [1, 'x', null, { b: true }] }, { a: [1, 'x', null, { b: true }] })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson({ 0: 'a' }, ['a'])).toBe(false);
    expect(sameJson(0, -0)).toBe(false);
    expect(sameJson(new Date(0), new Date(0))).toBe(false);
  });
});

describe('rememberLast', () => {
  it('computes again only for an input unlike the last one, whatever becomes of that input', () => {
    const inputs: unknown[] = [];
    const remembered = rememberLast((value) => {
      inputs.push(value);
      return { copy: JSON.stringify(value) };
    });
    const config = { schema: { type: 'string' } };
    const first = remembered(config);
    expect(remembered({ schema: { type: 'string' } })).toBe(first);
    config.schema.type = 'number'; // the caller changes its object: the remembered copy does not change with it
    expect(remembered(config)).toEqual({ copy: '{"schema":{"type":"number"}}' });
    expect(inputs).toHaveLength(2);
  });

  it('does not remember a throw', () => {
    let calls = 0;
    const remembered = rememberLast((value) => {
      calls++;
      if (value === 'bad') throw new InputError('value', 'bad input');
      return calls;
    });
    expect(() => remembered('bad')).toThrow('bad input');
    expect(() => remembered('bad')).toThrow('bad input');
    expect(calls).toBe(2);
  });
});
