/**
 * @module Compiles a stage's validation rules once into a {@link Validator}: aliases first, then required fields,
 * any-of groups and the schema, all checked on the canonical value.
 */
import { ConfigError } from '../shared/index.ts';
import type { ValidationIssue, ValidationResult, ValidationRules, Validator } from './validation-types.ts';
import { compileAliases } from './apply-aliases.ts';
import { compileSchemaCheck } from './schema-check.ts';
import { appendPointer, jsonTypeOf, previewValue } from './json-pointer.ts';

/**
 * Compiles rules once, for thousands of values. Throws ConfigError when the rules themselves are wrong (an invalid
 * schema, an empty any-of group, an alias listed twice). Validation never throws: every finding is an issue.
 *
 * @example
 * const validator = compileValidator({
 *   schema,
 *   aliases: { quantitative_findings: ['key_findings'] },
 *   required: ['paper_metadata'],
 *   anyOf: [['quantitative_findings', 'qualitative_findings']],
 * });
 * const { valid, value, issues } = validator.validate(JSON.parse(text));
 */
export function compileValidator(rules: ValidationRules): Validator {
  const renameAliases = compileAliases(rules.aliases);
  const checkSchema = rules.schema === undefined ? undefined : compileSchemaCheck(rules.schema);
  const required = [...rules.required];
  const anyOfGroups = rules.anyOf.map((group, index) => {
    if (group.length === 0) throw new ConfigError(`validation any-of group ${index + 1} lists no fields`);
    return [...group];
  });
  const needsObject = required.length > 0 || anyOfGroups.length > 0;

  return {
    validate(input: unknown): ValidationResult {
      const issues: ValidationIssue[] = [];
      let value = input;
      if (renameAliases !== undefined) {
        const renamed = renameAliases(input);
        value = renamed.value;
        issues.push(...renamed.issues);
      }
      const missing = new Set<string>();
      if (needsObject) {
        if (jsonTypeOf(value) !== 'object') {
          issues.push({
            severity: 'error',
            code: 'not-object',
            path: '',
            message: `(root): must be a JSON object, got ${describeKind(value)}`,
          });
        } else {
          const record = value as Record<string, unknown>;
          for (const field of required) {
            if (Object.hasOwn(record, field)) continue;
            const path = appendPointer('', field);
            missing.add(path);
            issues.push({ severity: 'error', code: 'required', path, message: `${path}: is required but missing` });
          }
          for (const group of anyOfGroups) {
            const issue = checkAnyOf(record, group);
            if (issue !== undefined) issues.push(issue);
          }
        }
      }
      if (checkSchema !== undefined) {
        for (const issue of checkSchema(value)) {
          // The same missing field reported twice would only make the repair note longer.
          if (!missing.has(issue.path)) issues.push(issue);
        }
      }
      return { valid: !issues.some((issue) => issue.severity === 'error'), value, issues };
    },
  };
}

function checkAnyOf(record: Record<string, unknown>, group: string[]): ValidationIssue | undefined {
  const states: string[] = [];
  for (const field of group) {
    if (!Object.hasOwn(record, field)) {
      states.push(`${field} is missing`);
      continue;
    }
    const emptiness = emptinessOf(record[field]);
    if (emptiness === undefined) return undefined;
    states.push(`${field} is ${emptiness}`);
  }
  return {
    severity: 'error',
    code: 'any-of',
    path: '',
    message: `(root): at least one of ${group.join(', ')} must be present and non-empty (${states.join('; ')})`,
  };
}

/** Why a value counts as empty for an any-of group, or undefined when it has content. */
function emptinessOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : undefined;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : undefined;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty object' : undefined;
  return undefined;
}

function describeKind(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return `${jsonTypeOf(value)} ${previewValue(value)}`;
}
