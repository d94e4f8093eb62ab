import { describe, expect, it } from 'vitest';
import { appendPointer, previewValue, showPointer, valueAtPointer } from './json-pointer.ts';

describe('json pointers', () => {
  it('escapes ~ and / in segments and resolves them back', () => {
    const pointer = appendPointer(appendPointer('', 'a/b'), 'c~d');
    expect(pointer).toBe('/a~1b/c~0d');
    expect(valueAtPointer({ 'a/b': { 'c~d': 5 } }, pointer)).toBe(5);
  });

  it('resolves array indices and the root, and is undefined past a scalar', () => {
    const root = { list: [{ v: 1 }] };
    expect(valueAtPointer(root, '/list/0/v')).toBe(1);
    expect(valueAtPointer(root, '')).toBe(root);
    expect(valueAtPointer(root, '/list/0/v/deeper')).toBeUndefined();
  });

  it('shows the root as (root) and previews long values shortened', () => {
    expect(showPointer('')).toBe('(root)');
    expect(previewValue('x'.repeat(100))).toHaveLength(60);
    expect(previewValue(undefined)).toBe('nothing');
  });
});
