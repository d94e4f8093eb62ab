import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { compileAliases } from './apply-aliases.ts';

const rename = compileAliases({
  quantitative_findings: ['key_findings', 'findings'],
  value: ['amount'],
})!;

describe('compileAliases', () => {
  it('returns undefined when there is nothing to rename', () => {
    expect(compileAliases({})).toBeUndefined();
    expect(compileAliases({ a: ['a'] })).toBeUndefined();
  });

  it('renames at every depth, inside arrays too, keeping key order, with a warning per rename', () => {
    const input = { paper: { title: 'T', key_findings: [{ amount: 3, unit: 'mg' }] } };
    const result = rename(input);
    expect(result.value).toEqual({ paper: { title: 'T', quantitative_findings: [{ value: 3, unit: 'mg' }] } });
    expect(Object.keys((result.value as { paper: object }).paper)).toEqual(['title', 'quantitative_findings']);
    expect(result.issues).toEqual([
      {
        severity: 'warning',
        code: 'alias',
        path: '/paper/quantitative_findings',
        message: '/paper/key_findings: renamed to quantitative_findings',
      },
      {
        severity: 'warning',
        code: 'alias',
        path: '/paper/quantitative_findings/0/value',
        message: '/paper/quantitative_findings/0/amount: renamed to value',
      },
    ]);
  });

  it('keeps the canonical field when both are present and notes the ignored variant', () => {
    const result = rename({ key_findings: [1], quantitative_findings: [2] });
    expect(result.value).toEqual({ quantitative_findings: [2] });
    expect(result.issues).toEqual([
      {
        severity: 'warning',
        code: 'alias',
        path: '/key_findings',
        message: '/key_findings: ignored, because /quantitative_findings is also present',
      },
    ]);
  });

  it('takes the first variant when two variants are present', () => {
    const result = rename({ findings: ['first'], key_findings: ['second'] });
    expect(result.value).toEqual({ quantitative_findings: ['first'] });
    expect(result.issues.map((issue) => issue.message)).toEqual([
      '/findings: renamed to quantitative_findings',
      '/key_findings: ignored, because /quantitative_findings is also present',
    ]);
  });

  it('returns the same value untouched when no alias occurs, and never mutates the input', () => {
    const clean = { a: [{ b: 1 }], c: 'x' };
    expect(rename(clean).value).toBe(clean);
    const aliased = { nested: { amount: 1 } };
    rename(aliased);
    expect(aliased).toEqual({ nested: { amount: 1 } });
  });

  it('keeps a __proto__ field from JSON.parse as a plain field', () => {
    const parsed = JSON.parse('{"__proto__": {"amount": 1}, "amount": 2}') as unknown;
    const result = rename(parsed).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ value: 1 });
    expect(result['value']).toBe(2);
  });

  it('rejects an alias listed for two canonical names, or a canonical name used as an alias', () => {
    expect(() => compileAliases({ a: ['x'], b: ['x'] })).toThrow(ConfigError);
    expect(() => compileAliases({ a: ['b'], b: ['c'] })).toThrow(/"b" is a canonical name and also an alias of "a"/);
  });
});
