/** @module Validation: lenient JSON extraction, and schema + flexible rules checks with issues as data. */
export type {
  ValidationRules,
  ValidationIssue,
  ValidationIssueCode,
  RepairKind,
  ValidationResult,
  Validator,
} from './validation-types.ts';
export { extractJson, type ExtractionResult } from './extract-json.ts';
export { compileValidator } from './validator.ts';
export { describeIssues } from './describe-issues.ts';
export { toJsonSchema, isGeminiSchema } from './gemini-schema.ts';
export { appendPointer } from './json-pointer.ts';
