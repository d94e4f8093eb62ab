/**
 * @module Compiles a JSON Schema (draft 2020-12 / 07 subset, `$ref` into `$defs`/`definitions` included) into
 * {@link SchemaNode}s, the form the value generator walks. Recursive `$ref`s become cycles of nodes.
 */
import { InputError } from '../../shared/index.ts';
import { isJsonObject, type JsonObject } from './object-fields.ts';

/** A JSON value type. */
export type ValueType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/** One schema, with every keyword the generator honours. `types` empty means any type. */
export interface SchemaNode {
  types: ValueType[];
  /** `title` and `description`, used to find relevant text. */
  description: string;
  properties: Array<[string, SchemaNode]>;
  required: Set<string>;
  items: SchemaNode | undefined;
  prefixItems: SchemaNode[];
  minItems: number;
  maxItems: number | undefined;
  uniqueItems: boolean;
  enumValues: unknown[] | undefined;
  constValue: { value: unknown } | undefined;
  /** `anyOf`/`oneOf` branches; the generator follows one. */
  choices: SchemaNode[];
  minimum: number | undefined;
  maximum: number | undefined;
  exclusiveMinimum: number | undefined;
  exclusiveMaximum: number | undefined;
  multipleOf: number | undefined;
  minLength: number;
  maxLength: number | undefined;
  format: string | undefined;
}

const TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** Compiles `schema`; `location` names it in errors (e.g. `generationConfig.responseJsonSchema`). */
export function compileSchema(schema: JsonObject, location: string): SchemaNode {
  const refs = new Map<string, SchemaNode>();
  const compile = (value: unknown, where: string): SchemaNode => {
    if (value === true || value === false) return emptyNode();
    if (!isJsonObject(value)) throw new InputError(where, 'must be a schema object');
    const ref = value['$ref'];
    if (typeof ref === 'string') return compileRef(ref, where);
    const node = emptyNode();
    fillNode(node, value, where, compile);
    return node;
  };
  const compileRef = (ref: string, where: string): SchemaNode => {
    const known = refs.get(ref);
    if (known !== undefined) return known;
    const target = resolvePointer(schema, ref, where);
    const node = emptyNode();
    refs.set(ref, node);
    fillNode(node, target, `${where}.$ref`, compile);
    return node;
  };
  return compile(schema, location);
}

function emptyNode(): SchemaNode {
  return {
    types: [],
    description: '',
    properties: [],
    required: new Set(),
    items: undefined,
    prefixItems: [],
    minItems: 0,
    maxItems: undefined,
    uniqueItems: false,
    enumValues: undefined,
    constValue: undefined,
    choices: [],
    minimum: undefined,
    maximum: undefined,
    exclusiveMinimum: undefined,
    exclusiveMaximum: undefined,
    multipleOf: undefined,
    minLength: 0,
    maxLength: undefined,
    format: undefined,
  };
}

type Compile = (value: unknown, where: string) => SchemaNode;

function fillNode(node: SchemaNode, schema: unknown, where: string, compile: Compile): void {
  if (!isJsonObject(schema)) {
    if (schema === true || schema === false) return;
    throw new InputError(where, 'must be a schema object');
  }
  node.types = readTypes(schema['type'], `${where}.type`);
  node.description = [schema['title'], schema['description']].filter((text) => typeof text === 'string').join(' ');
  const properties = schema['properties'];
  if (properties !== undefined) {
    if (!isJsonObject(properties)) throw new InputError(`${where}.properties`, 'must be an object of schemas');
    node.properties = Object.entries(properties).map(([name, value]) => [
      name,
      compile(value, `${where}.properties.${name}`),
    ]);
  }
  const required = schema['required'];
  if (required !== undefined) {
    if (!Array.isArray(required) || !required.every((name) => typeof name === 'string')) {
      throw new InputError(`${where}.required`, 'must be an array of property names');
    }
    node.required = new Set(required);
  }
  if (schema['items'] !== undefined) node.items = compile(schema['items'], `${where}.items`);
  const prefixItems = schema['prefixItems'];
  if (Array.isArray(prefixItems)) {
    node.prefixItems = prefixItems.map((item, index) => compile(item, `${where}.prefixItems[${index}]`));
  }
  node.minItems = readNumber(schema, 'minItems') ?? 0;
  node.maxItems = readNumber(schema, 'maxItems');
  node.uniqueItems = schema['uniqueItems'] === true;
  const enumValues = schema['enum'];
  if (enumValues !== undefined) {
    if (!Array.isArray(enumValues) || enumValues.length === 0) {
      throw new InputError(`${where}.enum`, 'must be a non-empty array');
    }
    node.enumValues = enumValues;
  }
  if ('const' in schema) node.constValue = { value: schema['const'] };
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (branches === undefined) continue;
    if (!Array.isArray(branches) || branches.length === 0) {
      throw new InputError(`${where}.${keyword}`, 'must be a non-empty array');
    }
    node.choices.push(...branches.map((branch, index) => compile(branch, `${where}.${keyword}[${index}]`)));
  }
  node.minimum = readNumber(schema, 'minimum');
  node.maximum = readNumber(schema, 'maximum');
  node.exclusiveMinimum = readNumber(schema, 'exclusiveMinimum');
  node.exclusiveMaximum = readNumber(schema, 'exclusiveMaximum');
  node.multipleOf = readNumber(schema, 'multipleOf');
  node.minLength = readNumber(schema, 'minLength') ?? 0;
  node.maxLength = readNumber(schema, 'maxLength');
  node.format = typeof schema['format'] === 'string' ? schema['format'] : undefined;
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) {
    for (const [index, part] of allOf.entries()) mergeInto(node, compile(part, `${where}.allOf[${index}]`));
  }
}

/** Folds an `allOf` branch into `node`: types intersect, properties and required add up, unset limits are taken. */
function mergeInto(node: SchemaNode, part: SchemaNode): void {
  if (node.types.length === 0) node.types = part.types;
  else if (part.types.length > 0) node.types = node.types.filter((type) => part.types.includes(type));
  const names = new Set(node.properties.map(([name]) => name));
  node.properties.push(...part.properties.filter(([name]) => !names.has(name)));
  for (const name of part.required) node.required.add(name);
  node.items ??= part.items;
  node.enumValues ??= part.enumValues;
  node.constValue ??= part.constValue;
  if (node.choices.length === 0) node.choices = part.choices;
  node.minimum ??= part.minimum;
  node.maximum ??= part.maximum;
  node.maxItems ??= part.maxItems;
  node.maxLength ??= part.maxLength;
  node.format ??= part.format;
  node.minItems = Math.max(node.minItems, part.minItems);
  node.minLength = Math.max(node.minLength, part.minLength);
}

function readTypes(value: unknown, where: string): ValueType[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((type) => {
    const name = typeof type === 'string' ? type.toLowerCase() : '';
    if (!TYPES.has(name)) throw new InputError(where, `unknown type ${JSON.stringify(type)}`);
    return name as ValueType;
  });
}

function readNumber(schema: JsonObject, name: string): number | undefined {
  const value = schema[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/** Follows a local JSON pointer (`#`, `#/$defs/Name`, `#/definitions/Name`, any `#/a/b`). */
function resolvePointer(root: JsonObject, ref: string, where: string): unknown {
  if (!ref.startsWith('#')) throw new InputError(`${where}.$ref`, `only local references are supported, got "${ref}"`);
  let target: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((segment) => segment.length > 0)) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    target = isJsonObject(target) ? target[segment] : Array.isArray(target) ? target[Number(segment)] : undefined;
    if (target === undefined) throw new InputError(`${where}.$ref`, `"${ref}" points to nothing`);
  }
  return target;
}
