import { describe, expect, it } from 'vitest';
import { cachedSchema } from './schema-cache.ts';

const schema = (): Record<string, unknown> => ({ type: 'object', properties: { a: { type: 'integer', minimum: 1 }, b: { type: 'string' } } });

describe('cachedSchema', () => {
  it('compiles an equal schema once and gives its JSON text', () => {
    const first = cachedSchema(schema(), 'here');
    const second = cachedSchema(schema(), 'here');
    expect(second.compiled).toBe(first.compiled);
    expect(second.json).toBe(JSON.stringify(schema()));
  });

  it('tells apart schemas whose members differ in order, and the same schema given elsewhere', () => {
    const base = cachedSchema(schema(), 'here');
    const reordered = { type: 'object', properties: { b: { type: 'string' }, a: { type: 'integer', minimum: 1 } } };
    const result = cachedSchema(reordered, 'here');
    expect(result.json).toBe(JSON.stringify(reordered));
    expect(result.compiled.properties.map(([name]) => name)).toEqual(['b', 'a']);
    expect(cachedSchema(schema(), 'elsewhere').compiled).not.toBe(base.compiled);
  });

  it('is not fooled by a schema changed after it was cached', () => {
    const mutable = schema();
    cachedSchema(mutable, 'here');
    (mutable['properties'] as Record<string, unknown>)['c'] = { type: 'boolean' };
    const result = cachedSchema(mutable, 'here');
    expect(result.json).toBe(JSON.stringify(mutable));
    expect(result.compiled.properties.map(([name]) => name)).toEqual(['a', 'b', 'c']);
  });
});
