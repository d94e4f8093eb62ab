/**
 * @module The job state machine. Every transition the ledger records is checked here, so an illegal move is a
 * loud bug rather than a silent corruption. A job never created at the provider (planned, uploading, uploaded) may
 * also be withdrawn: deleted, its requests pending again (`Ledger.withdrawJob`).
 */
import { JobStateError } from '../shared/index.ts';

/** Where a job is in its life, from planning to collection. */
export type JobState =
  | 'planned' // input file written locally, requests assigned
  | 'uploading'
  | 'uploaded' // input file at the provider
  | 'creating' // intent recorded (display name) before `create`
  | 'submitted' // the provider gave it a name
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'lost' // the provider no longer knows the job (e.g. an embedded emulator that restarted)
  | 'collected';

const NEXT: Record<JobState, readonly JobState[]> = {
  planned: ['uploading'],
  uploading: ['uploaded', 'uploading'],
  uploaded: ['creating'],
  creating: ['submitted', 'uploaded'],
  submitted: ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'lost'],
  pending: ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'lost'],
  running: ['running', 'succeeded', 'failed', 'cancelled', 'expired', 'lost'],
  succeeded: ['collected'],
  failed: ['collected'],
  cancelled: ['collected'],
  expired: ['collected'],
  lost: ['collected'],
  collected: [],
};

/** States in which a job exists at the provider and may still change. */
export const LIVE_REMOTE_STATES: readonly JobState[] = ['submitted', 'pending', 'running'];
/** States in which results (if any) wait to be collected. */
export const COLLECTABLE_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'expired', 'lost'];
/** States before the provider knows the job. */
export const UNSUBMITTED_STATES: readonly JobState[] = ['planned', 'uploading', 'uploaded', 'creating'];

/** Throws {@link JobStateError} unless `from → to` is allowed. */
export function assertJobTransition(jobName: string, from: JobState, to: JobState): void {
  if (!NEXT[from].includes(to)) {
    throw new JobStateError(`job ${jobName}: illegal state change ${from} → ${to}`);
  }
}

/** True for a state string the ledger may hold. */
export function isJobState(value: string): value is JobState {
  return value in NEXT;
}
