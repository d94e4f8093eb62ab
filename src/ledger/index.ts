/**
 * @module The ledger: SQLite schema, typed queries, the job state machine and the project lock. The only module
 * outside src/ledger/ may import (lint enforces it); it exports no SQL handle.
 */
export { Ledger, type UpsertOutcome } from './ledger.ts';
export { upsertDecision, type UpsertDecision } from './request-queries.ts';
export type { JobAttempt, KeyedAttempt, LatestResponse, ReusableAnswer } from './attempt-queries.ts';
export type { AttemptUsageEstimate, Calibration } from './cost-queries.ts';
export type { CorpusIssue } from './document-queries.ts';
export type { CacheQueries, CacheRow, CacheWithJobs } from './cache-queries.ts';
export type { DocumentSource, UploadQueries, UploadRow } from './upload-queries.ts';
export type { RecordedOutput } from './output-queries.ts';
export type { AuditAnswer, AuditCallRecord, AuditCallTarget, AuditCandidate, AuditQueries, AuditRecord } from './audit-queries.ts';
export { openLedger, ledgerError } from './open-ledger.ts';
export { upgradeLegacyLedger, FINGERPRINT_FORMAT, type StoredRequestBody, type FingerprintUpgrade, type LegacyRules } from './fingerprint-upgrade.ts';
export type {
  AttemptTotals, AttemptUsage, FailureCount, FieldCount, GivenUpRequest, JobLineCounts, OutcomeQueries, RepairCount,
} from './outcome-queries.ts';
export { FAILURE_LABELS, REPAIR_LABELS } from './outcome-labels.ts';
export type { ReportAttempt, ReportGivenUp, ReportJob, ReportQueries, ReportRequest } from './report-queries.ts';
export type { AttemptHistoryEntry, ProvenanceQueries } from './provenance-queries.ts';
export type { ProviderHealthQueries, ProviderHealthState, RetryCount } from './provider-health-queries.ts';
export * from './job-states.ts';
export type { NewJob, CanaryOutcome } from './job-queries.ts';
export type * from './rows.ts';
export { acquireProjectLock, type ProjectLock } from './lock.ts';
