import { describe, expect, it } from 'vitest';
import { geminiSchemaToJsonSchema } from './gemini-schema.ts';

describe('geminiSchemaToJsonSchema', () => {
  it('converts types, nullable, counts given as strings, ordering and snake_case keywords', () => {
    const converted = geminiSchemaToJsonSchema(
      {
        type: 'OBJECT',
        description: 'A paper',
        properties: {
          b: { type: 'STRING', nullable: true, enum: ['x', 'y'] },
          a: { type: 'ARRAY', items: { type: 'integer', minimum: 1 }, max_items: '3', min_items: 1 },
          c: { any_of: [{ type: 'STRING' }, { type: 'NUMBER' }] },
        },
        required: ['a'],
        property_ordering: ['a', 'b'],
      },
      'schema',
    );
    expect(converted).toEqual({
      type: 'object',
      description: 'A paper',
      properties: {
        a: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 3, minItems: 1 },
        b: { type: ['string', 'null'], enum: ['x', 'y', null] },
        c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
      required: ['a'],
    });
    expect(Object.keys(converted['properties'] as object)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    [
      { type: 'OBJECT', additionalProperties: false },
      'schema: unknown field "additionalProperties" (not in the Gemini Schema subset; use responseJsonSchema)',
    ],
    [{ type: 'MAP' }, 'schema.type: unknown type "MAP"'],
    [{ properties: { a: { type: 'STRING', enum: [] } } }, 'schema.properties.a.enum: must be a non-empty array'],
    [
      { properties: { a: {} }, propertyOrdering: ['b'] },
      'schema.propertyOrdering: must list names of existing properties',
    ],
    [{ type: 'ARRAY', items: 'STRING' }, 'schema.items: must be a JSON object, got a string'],
    [{ type: 'ARRAY', maxItems: 'many' }, 'schema.maxItems: must be a number, got a string'],
  ])('rejects %j', (schema, message) => {
    expect(() => geminiSchemaToJsonSchema(schema, 'schema')).toThrow(message);
  });
});
