import { describe, expect, it } from 'vitest';
import { lineDiff } from './diff.ts';

describe('lineDiff', () => {
  it('keeps common lines and marks the rest removed or added, in order', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'add', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });

  it('says nothing changed for identical texts', () => {
    expect(lineDiff('{\n  "a": 1\n}', '{\n  "a": 1\n}').every((line) => line.kind === 'same')).toBe(true);
  });
});
