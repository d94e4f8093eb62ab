import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { compileValidator } from './validator.ts';
import type { ValidationRules } from './validation-types.ts';

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    paper_metadata: {
      type: 'object',
      properties: { title: { type: 'string' }, year: { type: 'integer' } },
    },
    quantitative_findings: {
      type: 'array',
      items: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'] },
    },
    qualitative_findings: { type: 'array', items: { type: 'string' } },
  },
  required: ['paper_metadata'],
  additionalProperties: false,
};

const RULES: ValidationRules = {
  schema: SCHEMA,
  aliases: { quantitative_findings: ['key_findings'], value: ['amount'] },
  required: ['paper_metadata'],
  anyOf: [['quantitative_findings', 'qualitative_findings']],
};

describe('compileValidator', () => {
  const validator = compileValidator(RULES);

  it('accepts a conforming value with no issues', () => {
    const value = { paper_metadata: { title: 'T', year: 2019 }, qualitative_findings: ['more K'] };
    expect(validator.validate(value)).toEqual({ valid: true, value, issues: [] });
  });

  it('renames aliases at depth before the schema runs, and stays valid with warnings', () => {
    const result = validator.validate({ paper_metadata: { title: 'T' }, key_findings: [{ amount: 2.5 }] });
    expect(result.valid).toBe(true);
    expect(result.value).toEqual({ paper_metadata: { title: 'T' }, quantitative_findings: [{ value: 2.5 }] });
    expect(result.issues.map((issue) => [issue.severity, issue.code, issue.path])).toEqual([
      ['warning', 'alias', '/quantitative_findings'],
      ['warning', 'alias', '/quantitative_findings/0/value'],
    ]);
  });

  it('reports a missing required field once, though the schema requires it too', () => {
    const result = validator.validate({ qualitative_findings: ['x'] });
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'required',
        path: '/paper_metadata',
        message: '/paper_metadata: is required but missing',
      },
    ]);
  });

  it('fails an any-of group whose members are all empty or missing, saying which', () => {
    const result = validator.validate({ paper_metadata: { title: 'T' }, quantitative_findings: [] });
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'any-of',
        path: '',
        message:
          '(root): at least one of quantitative_findings, qualitative_findings must be present and non-empty ' +
          '(quantitative_findings is an empty array; qualitative_findings is missing)',
      },
    ]);
  });

  it('counts null, blank strings and empty objects as empty for any-of groups', () => {
    const blank = compileValidator({ aliases: {}, required: [], anyOf: [['a', 'b', 'c']] });
    expect(blank.validate({ a: null, b: '  ', c: {} }).valid).toBe(false);
    expect(blank.validate({ a: null, b: 0 }).valid).toBe(true);
    expect(blank.validate({ c: { x: 1 } }).valid).toBe(true);
  });

  it('reports precise schema errors on the canonical value', () => {
    const result = validator.validate({
      paper_metadata: { title: 'T', year: '2019' },
      key_findings: [{ value: 'high' }],
      extra: true,
    });
    expect(result.valid).toBe(false);
    expect(result.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.message)).toEqual([
      '/extra: is not a field the schema allows',
      '/paper_metadata/year: must be integer, got "2019"',
      '/quantitative_findings/0/value: must be number, got "high"',
    ]);
  });

  it('reports a non-object when rules need an object, without throwing', () => {
    const result = validator.validate([{ paper_metadata: {} }]);
    expect(result.valid).toBe(false);
    expect(result.issues[0]).toEqual({
      severity: 'error',
      code: 'not-object',
      path: '',
      message: '(root): must be a JSON object, got an array of 1 item',
    });
    expect(validator.validate('text').issues[0]?.message).toBe('(root): must be a JSON object, got string "text"');
  });

  it('accepts anything without rules, and arrays when only a schema is given', () => {
    expect(compileValidator({ aliases: {}, required: [], anyOf: [] }).validate(42).valid).toBe(true);
    const arrays = compileValidator({ schema: { type: 'array' }, aliases: {}, required: [], anyOf: [] });
    expect(arrays.validate([1]).valid).toBe(true);
    expect(arrays.validate({}).valid).toBe(false);
  });

  it('accepts a Gemini uppercase schema and a draft-07 schema as rules', () => {
    const gemini = compileValidator({
      schema: { type: 'OBJECT', properties: { year: { type: 'INTEGER' } } },
      aliases: {},
      required: ['year'],
      anyOf: [],
    });
    expect(gemini.validate({ year: 2019 }).valid).toBe(true);
    expect(gemini.validate({ year: 'x' }).issues[0]?.message).toBe('/year: must be integer, got "x"');
    const draft07 = compileValidator({
      schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'] },
      aliases: {},
      required: [],
      anyOf: [],
    });
    expect(draft07.validate({}).issues[0]?.message).toBe('/a: is required but missing');
  });

  it('rejects wrong rules at compile time', () => {
    expect(() => compileValidator({ aliases: {}, required: [], anyOf: [[]] })).toThrow(ConfigError);
    expect(() => compileValidator({ schema: { type: 'nope' }, aliases: {}, required: [], anyOf: [] })).toThrow(
      ConfigError,
    );
  });

  it('reuses one compiled validator for many values without leaking state between them', () => {
    for (let i = 0; i < 200; i++) {
      const good = validator.validate({ paper_metadata: { year: i }, qualitative_findings: [`f${i}`] });
      expect(good.valid).toBe(true);
    }
    expect(validator.validate({ paper_metadata: { year: 1 }, qualitative_findings: ['f'] }).issues).toEqual([]);
  });
});
