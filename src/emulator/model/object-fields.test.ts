import { describe, expect, it } from 'vitest';
import { camelCaseName, describeJsonKind, optionalNumber, optionalString, readObjectFields } from './object-fields.ts';

describe('object fields', () => {
  it('camel-cases snake_case names only', () => {
    expect(camelCaseName('response_mime_type')).toBe('responseMimeType');
    expect(camelCaseName('topK')).toBe('topK');
    expect(camelCaseName('thinking_budget_2')).toBe('thinkingBudget2');
  });

  it('reads fields by camelCase name and refuses unknown or doubled ones', () => {
    const allowed = new Set(['maxItems', 'type']);
    const fields = readObjectFields({ max_items: 2, type: 'x' }, 'here', allowed);
    expect([...fields]).toEqual([['maxItems', 2], ['type', 'x']]);
    const unknown = () => readObjectFields({ nope: 1 }, 'here', allowed, ' (hint)');
    expect(unknown).toThrow('here: unknown field "nope" (hint)');
    expect(() => readObjectFields({ maxItems: 1, max_items: 1 }, 'here', allowed)).toThrow('is given twice');
    expect(() => readObjectFields([], 'here', allowed)).toThrow('here: must be a JSON object, got an array');
  });

  it('checks strings and numbers with their location', () => {
    const fields = new Map<string, unknown>([['a', 'x'], ['n', '12'], ['f', 1.5]]);
    expect(optionalString(fields, 'a', 'at')).toBe('x');
    expect(optionalString(fields, 'missing', 'at')).toBeUndefined();
    expect(() => optionalString(fields, 'f', 'at')).toThrow('at.f: must be a string, got a number');
    expect(optionalNumber(fields, 'n', 'at', { integer: true })).toBe(12);
    expect(() => optionalNumber(fields, 'n', 'at', {})).toThrow('at.n: must be a number, got a string');
    expect(() => optionalNumber(fields, 'f', 'at', { max: 1 })).toThrow('at.f: must be at most 1, got 1.5');
    expect(describeJsonKind(null)).toBe('null');
  });
});
