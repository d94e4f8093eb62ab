/** @module How failure and repair kinds read in summaries and reports. */
import type { RepairKind } from '../validation/index.ts';
import type { FailureKind } from './rows.ts';

/** A few words per failure kind, for people. */
export const FAILURE_LABELS: Readonly<Record<FailureKind, string>> = {
  'provider-error': 'provider error on the line',
  blocked: 'blocked (safety)',
  empty: 'empty answer',
  truncated: 'truncated (max tokens)',
  unparseable: 'invalid JSON',
  schema: 'schema failure',
  required: 'missing field',
  'any-of': 'any-of group empty',
  'not-object': 'not a JSON object',
  'missing-key': 'missing from the results',
  'job-expired': 'job expired',
  'job-cancelled': 'job cancelled',
  'job-failed': 'job failed',
  'job-lost': 'job lost',
  other: 'other',
};

/** A few words per repair kind, for people. */
export const REPAIR_LABELS: Readonly<Record<RepairKind, string>> = {
  alias: 'alias renamed',
  fence: 'code fence stripped',
  prose: 'prose around JSON stripped',
};
