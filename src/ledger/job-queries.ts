/** @module Job queries that carry rules: planning a job and taking its requests, and judging a canary. */
import type { Sql } from './sql.ts';
import { JobStateError } from '../shared/index.ts';
import { assertJobTransition, type JobState } from './job-states.ts';
import type { JobRow } from './rows.ts';

/** The job columns a state change may set. */
export type JobFields = Partial<Pick<JobRow, 'input_file' | 'remote_name' | 'remote_state' | 'succeeded_count' | 'failed_count' |
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
 * Inserts a planned job and moves each of its requests from pending to in_job as its next attempt. Run it in one
 * transaction: after it a request is in exactly one live job. Returns the job id.
 */
export function createJob(sql: Sql, now: number, input: NewJob): number {
  const { lastInsertRowid } = sql(
      `INSERT INTO jobs (stage, display_name, state, model, input_path, request_count, size_bytes, canary, created_at,
         updated_at) VALUES (?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?)`,
    )
    // A unique placeholder name until the id is known.
    .run(input.stage, `${input.displayNamePrefix}-pending-${now}-${input.inputPath}`, input.model, input.inputPath,
      input.keys.length, input.sizeBytes, input.canary ? 1 : 0, now, now);
  const jobId = Number(lastInsertRowid);
  const displayName = `${input.displayNamePrefix}-${jobId}`;
  sql('UPDATE jobs SET display_name = ? WHERE id = ?').run(displayName, jobId);
  const take = sql(
    `UPDATE requests SET state = 'in_job', attempts = attempts + 1, updated_at = ?
     WHERE stage = ? AND key = ? AND state = 'pending' RETURNING id, fingerprint`,
  );
  const insertAttempt = sql(
    // attempt_no counts every attempt the request ever had; requests.attempts only those for its current fingerprint.
    `INSERT INTO attempts (request_id, attempt_no, job_id, fingerprint, state)
     VALUES (@request, (SELECT COALESCE(MAX(attempt_no), 0) + 1 FROM attempts WHERE request_id = @request), @job,
       @fingerprint, 'in_job')`,
  );
  for (const key of input.keys) {
    const taken = take.get(now, input.stage, key) as { id: number; fingerprint: string } | undefined;
    if (!taken) throw new JobStateError(`request ${key} was not pending when job ${displayName} was planned`);
    insertAttempt.run({ request: taken.id, job: jobId, fingerprint: taken.fingerprint });
  }
  return jobId;
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
