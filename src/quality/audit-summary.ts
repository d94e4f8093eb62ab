/** @module An audit's recorded calls summed up (#19): per-field agreement with intervals, calls paid and reused, cost. */
import type { AuditRecord } from '../ledger/index.ts';
import { summariseAgreement, type AgreementRate, type AnswerAgreement, type FieldSummary } from './field-agreement.ts';

/** What an audit found, for `audit`, `report` and `--json`. */
export interface AuditSummary {
  stage: string;
  seed: number;
  /** The sample size asked for. */
  sampleSize: number;
  createdAt: number;
  /** Documents sampled (calls in this audit, paid or reused). */
  calls: number;
  /** Calls answered from an earlier audit's answer to the same request: not paid again. */
  reused: number;
  /** Calls that failed at the provider (nothing to compare). */
  failed: number;
  /** Interactive answers that did not pass the stage's validation (counted as disagreeing documents). */
  invalid: number;
  /** Documents compared field by field (a valid interactive answer). */
  compared: number;
  /** Paid by this audit at standard (interactive) prices, USD. */
  costUsd: number;
  /** Per field, over the compared documents. */
  fields: FieldSummary[];
  /** Documents whose answers agree on every field, over compared and invalid ones. */
  overall: AgreementRate;
}

/** Sums up an audit's calls. Comparisons are read as the audit stored them. */
export function summariseAudit(record: AuditRecord): AuditSummary {
  const compared: AnswerAgreement[] = [];
  let invalid = 0;
  for (const call of record.calls) {
    if (call.state !== 'answered') continue;
    if (call.verdict === 'valid' && call.comparison !== null) compared.push(JSON.parse(call.comparison) as AnswerAgreement);
    else invalid += 1;
  }
  const summary = summariseAgreement(compared);
  // An invalid interactive answer agrees with nothing: it widens the whole-document denominator.
  const { overall } = summariseAgreement([...compared, ...Array.from({ length: invalid }, () => ({ fields: [{ path: '', kind: 'exact' as const, agreement: 0, agrees: false }] }))]);
  return {
    stage: record.stage,
    seed: record.seed,
    sampleSize: record.sampleSize,
    createdAt: record.createdAt,
    calls: record.calls.length,
    reused: record.calls.filter((call) => call.reused).length,
    failed: record.calls.filter((call) => call.state !== 'answered').length,
    invalid,
    compared: compared.length,
    costUsd: record.calls.reduce((sum, call) => sum + call.costUsd, 0),
    fields: summary.fields,
    overall,
  };
}
