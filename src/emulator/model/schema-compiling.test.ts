import { describe, expect, it } from 'vitest';
import { compileSchema } from './schema-compiling.ts';

describe('compileSchema', () => {
  it('turns a recursive $ref into a cycle of nodes', () => {
    const root = compileSchema(
      {
        $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
        $ref: '#/$defs/node',
      },
      'schema',
    );
    expect(root.types).toEqual(['object']);
    expect(root.properties[0]?.[1]).toBe(root);
  });

  it('reads definitions, allOf, oneOf, bounds and descriptions', () => {
    const node = compileSchema(
      {
        definitions: { id: { type: 'integer', minimum: 3, exclusiveMaximum: 9, multipleOf: 3 } },
        title: 'Thing',
        description: 'A thing',
        allOf: [{ type: 'object', properties: { id: { $ref: '#/definitions/id' } }, required: ['id'] }],
        oneOf: [{ type: 'object' }, { type: 'null' }],
      },
      'schema',
    );
    expect(node.description).toBe('Thing A thing');
    expect(node.types).toEqual(['object']);
    expect([...node.required]).toEqual(['id']);
    expect(node.choices).toHaveLength(2);
    const id = node.properties[0]?.[1];
    expect(id).toMatchObject({ types: ['integer'], minimum: 3, exclusiveMaximum: 9, multipleOf: 3 });
  });

  it.each([
    [{ $ref: 'https://x.org/s.json' }, 'schema.$ref: only local references are supported, got "https://x.org/s.json"'],
    [{ properties: { a: { $ref: '#/$defs/none' } } }, 'schema.properties.a.$ref: "#/$defs/none" points to nothing'],
    [{ type: ['string', 5] }, 'schema.type: unknown type 5'],
    [{ properties: [] }, 'schema.properties: must be an object of schemas'],
    [{ anyOf: [] }, 'schema.anyOf: must be a non-empty array'],
  ])('rejects %j', (schema, message) => {
    expect(() => compileSchema(schema, 'schema')).toThrow(message);
  });
});
