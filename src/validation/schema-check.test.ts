import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { compileSchemaCheck } from './schema-check.ts';

const PAPER_2020 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    paper_metadata: {
      type: 'object',
      properties: { title: { type: 'string' }, year: { type: 'integer' } },
      required: ['title', 'year'],
    },
    quantitative_findings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { value: { type: 'number' }, unit: { enum: ['mg/kg', 'cmol/kg'] } },
        additionalProperties: false,
      },
    },
  },
  required: ['paper_metadata'],
};

describe('compileSchemaCheck', () => {
  it('returns no issues for a conforming value', () => {
    const check = compileSchemaCheck(PAPER_2020);
    expect(check({ paper_metadata: { title: 'T', year: 2019 }, quantitative_findings: [{ value: 1 }] })).toEqual([]);
  });

  it('reports every error with its path and the offending value', () => {
    const check = compileSchemaCheck(PAPER_2020);
    const issues = check({
      paper_metadata: { year: '2019' },
      quantitative_findings: [{ value: 'high', unit: 'ppm', note: 'x' }],
    });
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['/paper_metadata/title', '/paper_metadata/title: is required but missing'],
      ['/paper_metadata/year', '/paper_metadata/year: must be integer, got "2019"'],
      ['/quantitative_findings/0/note', '/quantitative_findings/0/note: is not a field the schema allows'],
      ['/quantitative_findings/0/value', '/quantitative_findings/0/value: must be number, got "high"'],
      ['/quantitative_findings/0/unit', '/quantitative_findings/0/unit: must be one of ["mg/kg","cmol/kg"], got "ppm"'],
    ]);
    expect(issues.every((issue) => issue.severity === 'error' && issue.code === 'schema')).toBe(true);
  });

  it('describes arrays, objects and the root in messages', () => {
    const check = compileSchemaCheck(PAPER_2020);
    expect(check([1, 2]).map((issue) => issue.message)).toEqual(['(root): must be object, got an array of 2 items']);
    expect(check({ paper_metadata: { title: 'T', year: 1 }, quantitative_findings: [] })[0]?.message).toBe(
      '/quantitative_findings: must NOT have fewer than 1 items, got an array of 0 items',
    );
  });

  it('handles draft-07 schemas, tuple items included', () => {
    const check = compileSchemaCheck({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
      properties: { pair: { $ref: '#/definitions/pair' } },
    });
    expect(check({ pair: ['a', 1] })).toEqual([]);
    expect(check({ pair: ['a', 'b'] }).map((issue) => issue.message)).toEqual(['/pair/1: must be number, got "b"']);
  });

  it('falls back to draft-07 for a schema without $schema that only draft-07 accepts', () => {
    const check = compileSchemaCheck({ type: 'array', items: [{ type: 'integer' }] });
    expect(check([1])).toEqual([]);
    expect(check(['x'])).toHaveLength(1);
  });

  it('handles draft-04 and 2019-09 declarations', () => {
    const draft04 = compileSchemaCheck({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'string' });
    expect(draft04(1)[0]?.message).toBe('(root): must be string, got 1');
    const draft2019 = compileSchemaCheck({ $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'integer' });
    expect(draft2019(1.5)[0]?.message).toBe('(root): must be integer, got 1.5');
  });

  it('uses 2020-12 semantics by default (prefixItems)', () => {
    const check = compileSchemaCheck({ type: 'array', prefixItems: [{ type: 'string' }], items: false });
    expect(check(['a'])).toEqual([]);
    expect(check(['a', 'b'])).toHaveLength(1);
  });

  it('converts a Gemini responseSchema first', () => {
    const check = compileSchemaCheck({
      type: 'OBJECT',
      properties: { year: { type: 'INTEGER', nullable: true }, tags: { type: 'ARRAY', items: { type: 'STRING' } } },
      required: ['year'],
    });
    expect(check({ year: null, tags: ['a'] })).toEqual([]);
    expect(check({ tags: [3] }).map((issue) => issue.message)).toEqual([
      '/year: is required but missing',
      '/tags/0: must be string, got 3',
    ]);
  });

  it('checks common formats without ajv-formats and accepts unknown ones', () => {
    const check = compileSchemaCheck({
      type: 'object',
      properties: { day: { type: 'string', format: 'date' }, other: { type: 'string', format: 'soil-code' } },
    });
    expect(check({ day: '2019-05-01', other: 'anything' })).toEqual([]);
    expect(check({ day: 'May 2019' })[0]?.message).toBe('/day: must match format "date", got "May 2019"');
  });

  it('rejects an invalid schema with a ConfigError', () => {
    expect(() => compileSchemaCheck({ type: 'object', properties: { a: { type: 'strnig' } } })).toThrow(ConfigError);
    expect(() => compileSchemaCheck({ type: 12 })).toThrow(/the validation schema is not a valid JSON Schema/);
  });
});
