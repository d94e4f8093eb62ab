/** @module The ledger: SQLite schema, typed queries, the job state machine and the project lock. */
export { Ledger, type UpsertOutcome } from './ledger.ts';
export { upsertOutcome } from './request-queries.ts';
export type { JobAttempt, KeyedAttempt, LatestResponse } from './attempt-queries.ts';
export type { CorpusIssue } from './document-queries.ts';
export type { RecordedOutput } from './output-queries.ts';
export { openLedger, ledgerError } from './open-ledger.ts';
export { upgradeLegacyLedger, FINGERPRINT_FORMAT, type StoredRequestBody, type FingerprintUpgrade, type LegacyRules } from './fingerprint-upgrade.ts';
export type { Calibration } from './cost-queries.ts';
export {
  attemptTotals, cachedCount, failureCounts, jobLineCounts, repairCounts, stageUsage,
  type AttemptUsage, type FailureCount, type JobLineCounts, type RepairCount,
} from './outcome-queries.ts';
export { FAILURE_LABELS, REPAIR_LABELS } from './outcome-labels.ts';
export {
  documentCounts, ledgerStages, reportAttempts, reportGivenUp, reportJobs, reportRequests,
  type ReportAttempt, type ReportGivenUp, type ReportJob, type ReportRequest,
} from './report-queries.ts';
export * from './job-states.ts';
export type { NewJob, CanaryOutcome } from './job-queries.ts';
export type * from './rows.ts';
export { acquireProjectLock, type ProjectLock } from './lock.ts';
