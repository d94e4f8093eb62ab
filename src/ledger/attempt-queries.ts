/** @module Attempt queries: a job's attempts as the collector joins result lines to them, and stored answers. */
import type { Sql } from './sql.ts';
import type { AttemptRow, RequestRow } from './rows.ts';

/** One attempt of a job, as the collector joins result lines to it. */
export interface JobAttempt {
  id: number;
  state: AttemptRow['state'];
  doc_id: string;
}

/** An attempt with its request's key and document. */
export type KeyedAttempt = AttemptRow & { key: string; doc_id: string };

/** A request's latest attempt with a stored response, with the request's state and output. */
export type LatestResponse = KeyedAttempt & Pick<RequestRow, 'output_path'> & { request_state: RequestRow['state'] };

/** The attempt of `key` in `jobId`, if the key belongs to that job. */
export function attemptInJob(sql: Sql, jobId: number, stage: string, key: string): KeyedAttempt | undefined {
  return sql(
      `SELECT a.*, r.key AS key, r.doc_id AS doc_id FROM attempts a JOIN requests r ON r.id = a.request_id
       WHERE a.job_id = ? AND r.stage = ? AND r.key = ?`,
    )
    .get(jobId, stage, key) as KeyedAttempt | undefined;
}

/** Every attempt of a job by its request's key. */
export function jobAttempts(sql: Sql, jobId: number): Map<string, JobAttempt> {
  const rows = sql('SELECT a.id, a.state, r.key, r.doc_id FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.job_id = ?')
    .all(jobId) as (JobAttempt & { key: string })[];
  return new Map(rows.map((row) => [row.key, { id: row.id, state: row.state, doc_id: row.doc_id }]));
}

/** A job's attempts still waiting for a result, with their keys. */
export function openAttempts(sql: Sql, jobId: number): KeyedAttempt[] {
  return sql(
      `SELECT a.*, r.key AS key, r.doc_id AS doc_id FROM attempts a JOIN requests r ON r.id = a.request_id
       WHERE a.job_id = ? AND a.state = 'in_job' ORDER BY a.id`,
    )
    .all(jobId) as KeyedAttempt[];
}

/**
 * Each request's latest attempt at its current fingerprint that has a stored response, streamed: an answer to an
 * older document or prompt says nothing about the current one.
 */
export function latestResponses(sql: Sql, stage: string): Iterable<LatestResponse> {
  return sql(
      `SELECT a.*, r.key AS key, r.doc_id AS doc_id, r.state AS request_state, r.output_path AS output_path FROM requests r
       JOIN attempts a ON a.id = (SELECT MAX(id) FROM attempts WHERE request_id = r.id AND fingerprint = r.fingerprint)
       WHERE r.stage = ? AND r.state != 'in_job' AND a.response IS NOT NULL ORDER BY r.id`,
    )
    .iterate(stage) as Iterable<LatestResponse>;
}
