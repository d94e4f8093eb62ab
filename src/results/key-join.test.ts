import { describe, expect, it } from 'vitest';
import { createKeyJoin } from './key-join.ts';

describe('createKeyJoin', () => {
  it('classifies each key and reports missing, duplicate and unknown keys', () => {
    const join = createKeyJoin(['doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(join.see('doc-2')).toBe('expected');
    expect(join.see('doc-1')).toBe('expected');
    expect(join.see('doc-2')).toBe('duplicate');
    expect(join.see('doc-2')).toBe('duplicate');
    expect(join.see('stray')).toBe('unknown');
    expect(join.see('stray')).toBe('unknown');
    expect(join.missing()).toEqual(['doc-3', 'doc-4']);
    expect(join.report()).toEqual({ seen: 2, duplicates: ['doc-2'], unknown: ['stray'], missing: ['doc-3', 'doc-4'] });
  });

  it('has nothing missing once every key is seen, whatever the order', () => {
    const join = createKeyJoin(new Set(['b', 'a']));
    join.see('a');
    join.see('b');
    expect(join.report()).toEqual({ seen: 2, duplicates: [], unknown: [], missing: [] });
  });

  it('reports everything missing when no line came back, and accepts any iterable once', () => {
    function* keys() {
      yield 'x';
      yield 'y';
      yield 'x';
    }
    const join = createKeyJoin(keys());
    expect(join.missing()).toEqual(['x', 'y']);
    expect(join.report().seen).toBe(0);
  });

  it('matches keys exactly (join on key only, case and whitespace included)', () => {
    const join = createKeyJoin(['Doc-1']);
    expect(join.see('doc-1')).toBe('unknown');
    expect(join.see('Doc-1 ')).toBe('unknown');
    expect(join.see('Doc-1')).toBe('expected');
  });
});
