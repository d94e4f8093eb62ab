import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { describeIssues, describeValue, formatPath, issuesError } from './config-issues.ts';

const schema = z
  .object({ items: z.array(z.object({ size: z.number().max(5), kind: z.enum(['a', 'b']) }).strict()) })
  .strict();
const issuesOf = (value: unknown) => {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return expect.unreachable('expected issues');
  return result.error.issues;
};

describe('formatPath and describeValue', () => {
  it('formats paths the way users write them', () => {
    expect(formatPath([])).toBe('(top level)');
    expect(formatPath(['stages', 0, 'generationConfig', 'temperature'])).toBe('stages[0].generationConfig.temperature');
    expect(formatPath(['aliases', 'a b'])).toBe('aliases["a b"]');
  });
  it('describes values briefly', () => {
    expect(describeValue('x'.repeat(60))).toMatch(/^a string \("x{37}\.\.\."\)$/);
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(true)).toBe('a boolean (true)');
  });
});

describe('describeIssues', () => {
  it('gives one line per problem with source, position and path', () => {
    const lines = describeIssues(issuesOf({ items: [{ size: 9, kind: 'c', sise: 1 }] }), {
      name: 'f.yaml',
      schema,
      locate: (path, key) => (key === 'sise' ? { line: 3, column: 5 } : path.length === 3 ? { line: 2, column: 9 } : undefined),
    });
    expect(lines).toEqual([
      'f.yaml:2:9: items[0].size: expected a number at most 5, got a number (9)',
      'f.yaml:2:9: items[0].kind: expected one of "a", "b", got a string ("c")',
      'f.yaml:3:5: items[0].sise: unknown key; did you mean `size`?',
    ]);
  });

  it('wraps several problems into one ConfigError', () => {
    const error = issuesError(issuesOf({ items: [{ size: 'big' }] }), { name: 'f.json', schema });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'invalid config (2 problems):\n' +
        '  - f.json: items[0].size: expected a number, got a string ("big")\n' +
        '  - f.json: items[0].kind: missing; expected one of "a", "b"',
    );
  });
});
