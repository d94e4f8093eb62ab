import { describe, expect, it } from 'vitest';
import { memoByKey } from './bounded-cache.ts';

describe('memoByKey', () => {
  it('computes each key once, caches undefined too, and starts over past its limit', () => {
    const calls: string[] = [];
    const lengthOf = memoByKey(2, (key) => {
      calls.push(key);
      return key === 'none' ? undefined : key.length;
    });
    expect([lengthOf('ab'), lengthOf('ab'), lengthOf('none'), lengthOf('none')]).toEqual([2, 2, undefined, undefined]);
    expect(calls).toEqual(['ab', 'none']);
    expect(lengthOf('xyz')).toBe(3);
    expect(lengthOf('ab')).toBe(2);
    expect(calls).toEqual(['ab', 'none', 'xyz', 'ab']);
  });
});
