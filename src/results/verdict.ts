/** @module What the engine learns from one result line: a verdict, with everything a retry or an output needs. */
import type { TokenUsage } from '../providers/index.ts';
import type { RepairKind, ValidationIssue } from '../validation/index.ts';

/** Why a result produced no value to validate. */
export type FailureReason = 'provider-error' | 'blocked' | 'empty' | 'truncated' | 'unparseable' | 'malformed-line';

/** The verdict on one result line. `text` is the model's text, kept for debugging and repair prompts. */
export type Verdict =
  | {
      status: 'valid';
      key: string;
      /** The canonical value (aliases renamed). */
      output: unknown;
      /** Warnings only: alias renames, extraction notes, a stop at the output limit that still gave complete JSON. */
      issues: ValidationIssue[];
      /** What was repaired to get this value: each kind once. */
      repairs: RepairKind[];
      usage: TokenUsage | undefined;
      text: string;
    }
  | { status: 'invalid'; key: string; issues: ValidationIssue[]; repairs: RepairKind[]; usage: TokenUsage | undefined; text: string }
  | {
      status: 'failed';
      key: string;
      reason: FailureReason;
      message: string;
      usage: TokenUsage | undefined;
      text: string | undefined;
    };
