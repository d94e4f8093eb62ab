/**
 * @module Compiles a JSON Schema (2020-12, 2019-09, draft-07/06, or a Gemini responseSchema) once with Ajv, and
 * turns Ajv's errors into issues with paths and the offending value.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigError, errorMessage } from '../shared/index.ts';
import type { ValidationIssue } from './validation-types.ts';
import { isGeminiSchema, toJsonSchema } from './gemini-schema.ts';
import { appendPointer, jsonTypeOf, previewValue, showPointer, valueAtPointer } from './json-pointer.ts';

/** Checks one value against a compiled schema; returns its errors (empty when it conforms). */
export type SchemaCheck = (value: unknown) => ValidationIssue[];

type Dialect = '2020-12' | '2019-09' | 'draft-07';

const AJV_OPTIONS: Options = { allErrors: true, strict: false, logger: false };

/** Formats checked without ajv-formats; other formats are accepted as they are. */
const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
};

/** Keywords whose message is clearer without the whole offending value appended. */
const NO_GOT_VALUE = new Set(['required', 'additionalProperties', 'unevaluatedProperties', 'dependentRequired']);

/**
 * Compiles a schema once. A Gemini responseSchema is converted first; `$schema` picks the draft (default 2020-12,
 * falling back to draft-07 for a schema without `$schema` that only draft-07 accepts, e.g. tuple `items`).
 * Throws ConfigError when the schema itself is invalid.
 */
export function compileSchemaCheck(schema: Record<string, unknown>): SchemaCheck {
  const jsonSchema = isGeminiSchema(schema) ? toJsonSchema(schema) : schema;
  const declared = jsonSchema['$schema'];
  const dialect = dialectOf(declared);
  let validate;
  try {
    validate = compileWith(dialect, jsonSchema);
  } catch (error) {
    if (declared !== undefined) throw invalidSchema(error);
    try {
      validate = compileWith('draft-07', jsonSchema);
    } catch {
      throw invalidSchema(error);
    }
  }
  const check = validate;
  return (value) => {
    if (check(value)) return [];
    return (check.errors ?? []).map((error) => toIssue(error, value));
  };
}

function invalidSchema(error: unknown): ConfigError {
  return new ConfigError(`the validation schema is not a valid JSON Schema: ${errorMessage(error)}`, { cause: error });
}

function dialectOf(declared: unknown): Dialect {
  if (typeof declared !== 'string') return '2020-12';
  if (/draft-0[4-7]/.test(declared)) return 'draft-07';
  if (declared.includes('2019-09')) return '2019-09';
  return '2020-12';
}

function compileWith(dialect: Dialect, schema: Record<string, unknown>) {
  const ajv =
    dialect === '2020-12'
      ? new Ajv2020(AJV_OPTIONS)
      : dialect === '2019-09'
        ? new Ajv2019(AJV_OPTIONS)
        : new Ajv(AJV_OPTIONS);
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  const declared = schema['$schema'];
  // Ajv's draft-07 class knows only the draft-07 meta-schema; older drafts validate close enough under it.
  const compilable =
    dialect === 'draft-07' && typeof declared === 'string' && !declared.includes('draft-07')
      ? withoutKey(schema, '$schema')
      : schema;
  return ajv.compile(compilable);
}

function withoutKey(schema: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([name]) => name !== key));
}

function toIssue(error: ErrorObject, root: unknown): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  const issue = (path: string, message: string): ValidationIssue => ({
    severity: 'error',
    code: 'schema',
    path,
    message: `${showPointer(path)}: ${message}`,
  });
  switch (error.keyword) {
    case 'required':
      return issue(appendPointer(at, String(params['missingProperty'])), 'is required but missing');
    case 'additionalProperties':
      return issue(appendPointer(at, String(params['additionalProperty'])), 'is not a field the schema allows');
    case 'unevaluatedProperties':
      return issue(appendPointer(at, String(params['unevaluatedProperty'])), 'is not a field the schema allows');
    default:
      break;
  }
  let message = error.message ?? `fails "${error.keyword}"`;
  if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    message = `must be one of ${previewValue(params['allowedValues'], 120)}`;
  } else if (error.keyword === 'const') {
    message = `must be ${previewValue(params['allowedValue'])}`;
  }
  if (!NO_GOT_VALUE.has(error.keyword)) message += `, got ${describeGot(valueAtPointer(root, at))}`;
  return issue(at, message);
}

function describeGot(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (jsonTypeOf(value) === 'object') {
    const count = Object.keys(value as object).length;
    return `an object with ${count} field${count === 1 ? '' : 's'}`;
  }
  return previewValue(value);
}
