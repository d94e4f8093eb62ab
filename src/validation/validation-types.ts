/** @module The types validation speaks: the rules a stage declares, and the issues and results it returns. */

/** What a stage declares about the shape of its outputs. */
export interface ValidationRules {
  /**
   * A JSON Schema (draft 2020-12, or draft-07 when its `$schema` says so), or a Gemini `responseSchema` (OpenAPI
   * subset with uppercase types such as `OBJECT`), which is converted first.
   */
  schema?: Record<string, unknown>;
  /** Canonical field name -> variants the model may use instead. Renamed at every object depth. */
  aliases: Record<string, string[]>;
  /** Top-level fields that must be present (a `null` value counts as present). */
  required: string[];
  /** Each group: at least one of these top-level fields is present and non-empty. */
  anyOf: string[][];
}

/**
 * A repair made to an answer so it could be judged at all: a field alias renamed (or a duplicate variant dropped),
 * a code fence stripped, prose around the JSON stripped. Recorded per attempt, so a run can say what it repaired.
 */
export type RepairKind = 'alias' | 'fence' | 'prose';

/** Which check raised an issue. */
export type ValidationIssueCode = 'schema' | 'required' | 'any-of' | 'alias' | 'not-object' | 'extraction';

/** One finding about a value. Errors make it invalid; warnings only say what was changed or noticed. */
export interface ValidationIssue {
  severity: 'error' | 'warning';
  code: ValidationIssueCode;
  /** JSON pointer of the field concerned, e.g. `/quantitative_findings/0/value`; `""` is the whole value. */
  path: string;
  /** Human and precise, starting with the path, e.g. `/paper_metadata/year: must be integer, got "2019"`. */
  message: string;
}

/** The verdict on one value. */
export interface ValidationResult {
  /** True iff no issue is an error. */
  valid: boolean;
  /** The canonical value: aliases renamed to their canonical names. The input is never mutated. */
  value: unknown;
  issues: ValidationIssue[];
}

/** Rules compiled once, reused for every value of a stage. */
export interface Validator {
  validate(value: unknown): ValidationResult;
}
