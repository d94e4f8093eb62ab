import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJsonText, positionAt } from './json-text.ts';

describe('positionAt', () => {
  it('counts lines and columns from 1', () => {
    expect(positionAt('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('jsonErrorOffset', () => {
  it('accepts valid JSON of every kind', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, "x\\u00e9\\n", true, false, null]} ', '"s"', '0']) {
      expect(jsonErrorOffset(text)).toBeUndefined();
    }
  });

  it.each([
    ['{"a": 1,}', 8],
    ['[1, 2', 5],
    ['{"a" 1}', 5],
    ['{"a": 01}', 7],
    ['{"a": "x\ny"}', 8],
    ['{} extra', 3],
    ["{'a': 1}", 1],
    ['', 0],
  ])('finds the error in %j at offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('parseJsonText', () => {
  it('returns the value when valid', () => {
    expect(parseJsonText('{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } });
  });

  it('gives line and column for an unexpected token, which V8 reports without a position', () => {
    const result = parseJsonText('{\n  "a": 1,\n  "b": [\n}\n');
    expect(result).toMatchObject({ ok: false, position: { line: 4, column: 1 } });
    if (!result.ok) expect(result.message).toBe("Unexpected token '}'");
  });

  it('drops the position suffix from V8 messages', () => {
    const result = parseJsonText('{"a" 1}');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toBe("Expected ':' after property name");
      expect(result.position).toEqual({ line: 1, column: 6 });
    }
  });
});
