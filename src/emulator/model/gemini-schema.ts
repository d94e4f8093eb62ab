/**
 * @module Converts a Gemini `responseSchema` (the OpenAPI subset: `type: 'OBJECT'`, `nullable`, `propertyOrdering`,
 * any case, camelCase or snake_case keywords) into the equivalent JSON Schema, validating it on the way. It plays
 * the server: a bad schema is the request's 400. truebatch's own lenient converter (validation/gemini-schema.ts)
 * is deliberately separate, so the emulator cannot share a mistake of the code it is there to test.
 */
import { InputError } from '../../shared/index.ts';
import { describeJsonKind, isJsonObject, optionalNumber, readObjectFields, type JsonObject } from './object-fields.ts';

const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);
const COUNT_FIELDS = ['maxItems', 'minItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength'] as const;
const COPIED_FIELDS = [
  'format',
  'title',
  'description',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
] as const;
const UNKNOWN_FIELD_HINT = ' (not in the Gemini Schema subset; use responseJsonSchema)';

/** The JSON Schema equivalent of a Gemini Schema. Throws InputError at the first invalid keyword. */
export function geminiSchemaToJsonSchema(schema: unknown, location: string): JsonObject {
  const fields = readObjectFields(schema, location, SCHEMA_FIELDS, UNKNOWN_FIELD_HINT);
  const result: JsonObject = {};
  const type = readType(fields.get('type'), `${location}.type`);
  if (type !== undefined) result['type'] = fields.get('nullable') === true ? [type, 'null'] : type;
  for (const name of COPIED_FIELDS) if (fields.has(name)) result[name] = fields.get(name);
  for (const name of COUNT_FIELDS) {
    const count = optionalNumber(fields, name, location, { integer: true, min: 0 });
    if (count !== undefined) result[name] = count;
  }
  const enumValues = fields.get('enum');
  if (enumValues !== undefined) {
    if (!Array.isArray(enumValues) || enumValues.length === 0) {
      throw new InputError(`${location}.enum`, 'must be a non-empty array');
    }
    const listed: unknown[] = enumValues;
    result['enum'] = type === undefined || fields.get('nullable') !== true ? listed : [...listed, null];
  }
  const properties = fields.get('properties');
  if (properties !== undefined) {
    result['properties'] = convertProperties(properties, fields.get('propertyOrdering'), location);
  }
  const required = fields.get('required');
  if (required !== undefined) {
    if (!Array.isArray(required) || !required.every((name) => typeof name === 'string')) {
      throw new InputError(`${location}.required`, 'must be an array of property names');
    }
    result['required'] = required;
  }
  const items = fields.get('items');
  if (items !== undefined) result['items'] = geminiSchemaToJsonSchema(items, `${location}.items`);
  const anyOf = fields.get('anyOf');
  if (anyOf !== undefined) {
    if (!Array.isArray(anyOf) || anyOf.length === 0) {
      throw new InputError(`${location}.anyOf`, 'must be a non-empty array');
    }
    result['anyOf'] = anyOf.map((branch, index) => geminiSchemaToJsonSchema(branch, `${location}.anyOf[${index}]`));
  }
  return result;
}

function readType(value: unknown, location: string): string | undefined {
  if (value === undefined || value === 'TYPE_UNSPECIFIED') return undefined;
  if (typeof value !== 'string') throw new InputError(location, `must be a string, got ${describeJsonKind(value)}`);
  const type = value.toLowerCase();
  if (!TYPES.has(type)) throw new InputError(location, `unknown type "${value}"`);
  return type;
}

function convertProperties(properties: unknown, ordering: unknown, location: string): JsonObject {
  if (!isJsonObject(properties)) throw new InputError(`${location}.properties`, 'must be an object of schemas');
  const names = Object.keys(properties);
  if (ordering !== undefined) {
    if (!Array.isArray(ordering) || !ordering.every((name) => typeof name === 'string' && name in properties)) {
      throw new InputError(`${location}.propertyOrdering`, 'must list names of existing properties');
    }
    names.sort((left, right) => orderOf(ordering, left) - orderOf(ordering, right));
  }
  const converted: JsonObject = {};
  for (const name of names) {
    converted[name] = geminiSchemaToJsonSchema(properties[name], `${location}.properties.${name}`);
  }
  return converted;
}

function orderOf(ordering: readonly unknown[], name: string): number {
  const index = ordering.indexOf(name);
  return index === -1 ? ordering.length : index;
}
