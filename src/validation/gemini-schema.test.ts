import { describe, expect, it } from 'vitest';
import { isGeminiSchema, toJsonSchema } from './gemini-schema.ts';

/** A realistic Gemini responseSchema, as written in generationConfig.responseSchema. */
const GEMINI_PAPER_SCHEMA = {
  type: 'OBJECT',
  properties: {
    paper_metadata: {
      type: 'OBJECT',
      properties: {
        title: { type: 'STRING', description: 'Full title' },
        year: { type: 'INTEGER', format: 'int32', nullable: true },
        published: { type: 'STRING', format: 'date-time' },
      },
      required: ['title'],
      propertyOrdering: ['title', 'year', 'published'],
    },
    quantitative_findings: {
      type: 'ARRAY',
      minItems: '1',
      maxItems: 50,
      items: {
        type: 'OBJECT',
        properties: {
          value: { type: 'NUMBER', minimum: 0 },
          unit: { type: 'STRING', enum: ['mg/kg', 'cmol/kg'], nullable: true },
        },
      },
    },
    method: { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }], nullable: true, example: 'ICP-OES' },
  },
  required: ['paper_metadata'],
};

describe('isGeminiSchema', () => {
  it('recognises uppercase Gemini types at the top or nested', () => {
    expect(isGeminiSchema(GEMINI_PAPER_SCHEMA)).toBe(true);
    expect(isGeminiSchema({ properties: { a: { type: 'STRING' } } })).toBe(true);
  });

  it('does not take JSON Schemas for Gemini schemas', () => {
    expect(isGeminiSchema({ type: 'object', properties: { type: { type: 'string' } } })).toBe(false);
    expect(isGeminiSchema({ type: 'constructor' })).toBe(false);
  });
});

describe('toJsonSchema', () => {
  it('converts the whole schema to JSON Schema 2020-12', () => {
    expect(toJsonSchema(GEMINI_PAPER_SCHEMA)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        paper_metadata: {
          type: 'object',
          properties: {
            title: { type: 'string', description: 'Full title' },
            year: { type: ['integer', 'null'] },
            published: { type: 'string', format: 'date-time' },
          },
          required: ['title'],
        },
        quantitative_findings: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: {
            type: 'object',
            properties: {
              value: { type: 'number', minimum: 0 },
              unit: { type: ['string', 'null'], enum: ['mg/kg', 'cmol/kg', null] },
            },
          },
        },
        method: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }], examples: ['ICP-OES'] },
      },
      required: ['paper_metadata'],
    });
  });

  it('leaves out TYPE_UNSPECIFIED and keeps a NULL type', () => {
    expect(toJsonSchema({ type: 'TYPE_UNSPECIFIED', description: 'anything' })).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      description: 'anything',
    });
    expect(toJsonSchema({ type: 'NULL', nullable: true })['type']).toBe('null');
  });

  it('numbers string limits and does not mutate its input', () => {
    const input = { type: 'STRING', minLength: '2', maxLength: '10', pattern: '^[a-z]+$' };
    const before = structuredClone(input);
    expect(toJsonSchema(input)).toMatchObject({ type: 'string', minLength: 2, maxLength: 10, pattern: '^[a-z]+$' });
    expect(input).toEqual(before);
  });
});
