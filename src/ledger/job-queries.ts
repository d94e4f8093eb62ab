/** @module Job queries that carry rules: planning a job and taking its requests, and judging a canary. */
import type { Sql } from './sql.ts';
import { JobStateError } from '../shared/index.ts';
import { assertJobTransition, type JobState } from './job-states.ts';
import type { JobRow } from './rows.ts';

/** The job columns a state change may set. */
export type JobFields = Partial<Pick<JobRow, 'input_file' | 'remote_name' | 'remote_state' | 'succeeded_count' | 'failed_count' | 'counts_reported' |
  'output_file' | 'error' | 'submitted_at' | 'finished_at' | 'collected_at' | 'polls' | 'estimated_usd' | 'actual_usd'>>;

/** Moves `job` to `to` (a transition the state machine allows) and sets `fields`. */
export function updateJob(sql: Sql, now: number, job: JobRow, to: JobState, fields: JobFields): void {
  if (job.state !== to) assertJobTransition(job.display_name, job.state, to);
  const columns = Object.keys(fields);
  const sets = ['state = ?', 'updated_at = ?', ...columns.map((column) => `${column} = ?`)];
  const values = columns.map((column) => fields[column as keyof JobFields] ?? null);
  sql(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(to, now, ...values, job.id);
}

/** A job to plan. */
export interface NewJob {
  stage: string;
  /** The display name is `<prefix>-<job id>`: unique, and it carries the stage and the job. */
  displayNamePrefix: string;
  model: string;
  /** The registry name of the stage's provider. */
  provider?: string;
  inputPath: string;
  sizeBytes: number;
  /** The keys of the stage's pending requests that go in this job. */
  keys: readonly string[];
  canary?: boolean;
}

/** How a canary job's attempts ended, with its most common problems. */
export interface CanaryOutcome {
  job: JobRow;
  valid: number;
  total: number;
  problems: { reason: string; n: number }[];
}

/**
 * How `createJob` takes a job's requests (parameters: a JSON array of keys and the stage), set-based: a few
 * statements per job instead of two per request, as a job holds up to tens of thousands. Each statement walks the
 * keys and looks each request up (a CROSS JOIN keeps that order), never the whole stage: a test checks the plans.
 */
export const TAKE_JOB_REQUESTS = {
  firstNotPending: `SELECT k.value AS key FROM json_each(?) AS k LEFT JOIN requests r ON r.stage = ? AND r.key = k.value
    WHERE r.state IS NOT 'pending' LIMIT 1`,
  take: `UPDATE requests SET state = 'in_job', attempts = attempts + 1, updated_at = ? WHERE state = 'pending'
    AND id IN (SELECT r.id FROM json_each(?) AS k CROSS JOIN requests r ON r.stage = ? AND r.key = k.value)`,
  // attempt_no counts every attempt the request ever had; requests.attempts only those for its current fingerprint.
  addAttempts: `INSERT INTO attempts (request_id, attempt_no, job_id, fingerprint, state)
    SELECT r.id, (SELECT COALESCE(MAX(a.attempt_no), 0) + 1 FROM attempts a WHERE a.request_id = r.id), ?, r.fingerprint,
      'in_job'
    FROM json_each(?) AS k CROSS JOIN requests r ON r.stage = ? AND r.key = k.value ORDER BY k.key`,
} as const;

/**
 * Inserts a planned job and moves each of its requests from pending to in_job as its next attempt. Run it in one
 * transaction: after it a request is in exactly one live job. Returns the job id.
 */
export function createJob(sql: Sql, now: number, input: NewJob): number {
  const { lastInsertRowid } = sql(
      `INSERT INTO jobs (stage, display_name, state, model, provider, input_path, request_count, size_bytes, canary,
         created_at, updated_at) VALUES (?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    // A unique placeholder name until the id is known.
    .run(input.stage, `${input.displayNamePrefix}-pending-${now}-${input.inputPath}`, input.model, input.provider ?? null, input.inputPath,
      input.keys.length, input.sizeBytes, input.canary ? 1 : 0, now, now);
  const jobId = Number(lastInsertRowid);
  const displayName = `${input.displayNamePrefix}-${jobId}`;
  sql('UPDATE jobs SET display_name = ? WHERE id = ?').run(displayName, jobId);
  const keys = JSON.stringify(input.keys);
  const notPending = sql(TAKE_JOB_REQUESTS.firstNotPending).get(keys, input.stage) as { key: string } | undefined;
  if (notPending) throw new JobStateError(`request ${notPending.key} was not pending when job ${displayName} was planned`);
  const { changes } = sql(TAKE_JOB_REQUESTS.take).run(now, keys, input.stage);
  if (changes !== input.keys.length) throw new JobStateError(`job ${displayName} lists a request more than once`);
  sql(TAKE_JOB_REQUESTS.addAttempts).run(jobId, keys, input.stage);
  return jobId;
}

/**
 * Takes back a job the provider never saw (planned, uploading or uploaded): its requests go back to pending as if it
 * had never been cut (the attempt it took is undone), and it is deleted with its links to caches and uploads. Run it
 * in one transaction.
 */
export function withdrawJob(sql: Sql, job: JobRow): void {
  if (!['planned', 'uploading', 'uploaded'].includes(job.state)) {
    throw new JobStateError(`job ${job.display_name} is ${job.state}: only a job never created can be withdrawn`);
  }
  // `updated_at` stays the time they were cut: they have waited for a batch since before it (see `pendingOf` in request-queries.ts).
  sql(
    `UPDATE requests SET state = 'pending', attempts = attempts - 1
     WHERE state = 'in_job' AND id IN (SELECT request_id FROM attempts WHERE job_id = ? AND state = 'in_job')`,
  ).run(job.id);
  for (const table of ['attempts', 'job_uploads', 'cache_jobs']) sql(`DELETE FROM ${table} WHERE job_id = ?`).run(job.id);
  sql('DELETE FROM jobs WHERE id = ?').run(job.id);
}

/** The stage's most recent canary job and how its attempts ended. */
export function latestCanary(sql: Sql, stage: string): CanaryOutcome | undefined {
  const job = sql('SELECT * FROM jobs WHERE stage = ? AND canary = 1 ORDER BY id DESC LIMIT 1').get(stage) as
    | JobRow
    | undefined;
  if (!job) return undefined;
  const counts = sql("SELECT COUNT(*) AS total, COALESCE(SUM(state = 'valid'), 0) AS valid FROM attempts WHERE job_id = ?")
    .get(job.id) as { total: number; valid: number };
  const problems = sql(
      `SELECT reason, COUNT(*) AS n FROM attempts WHERE job_id = ? AND state != 'valid' AND reason IS NOT NULL
       GROUP BY reason ORDER BY n DESC LIMIT 5`,
    )
    .all(job.id) as { reason: string; n: number }[];
  return { job, ...counts, problems };
}
