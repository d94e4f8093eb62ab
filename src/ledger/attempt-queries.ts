/** @module Attempt queries: a job's attempts as the collector joins result lines to them, and stored answers. */
import type { Sql } from './sql.ts';
import type { AttemptRow, RequestRow } from './rows.ts';

/** One attempt of a job, as the collector joins result lines to it. */
export interface JobAttempt {
  id: number;
  state: AttemptRow['state'];
  docId: string;
}

/** An attempt with its request's key and document. */
export interface KeyedAttempt extends JobAttempt {
  key: string;
  /** 1 for the request's first attempt. */
  attemptNo: number;
}

/** A request's latest attempt (`id`) with a stored response, with the request's state and output. */
export interface LatestResponse extends KeyedAttempt {
  response: string;
  finishedAt: number | null;
  requestState: RequestRow['state'];
  outputPath: string | null;
}

/** The latest valid attempt made for identical work, whose stored answer can be reused. */
export interface ReusableAnswer {
  id: number;
  response: string;
  finishedAt: number | null;
}

/** The columns of a {@link KeyedAttempt}, from attempts `a` joined to requests `r`. */
const KEYED_ATTEMPT = 'a.id AS id, a.state AS state, a.attempt_no AS attemptNo, r.key AS key, r.doc_id AS docId';

/** The attempt of `key` in `jobId`, if the key belongs to that job. */
export function attemptInJob(sql: Sql, jobId: number, stage: string, key: string): KeyedAttempt | undefined {
  return sql(
      `SELECT ${KEYED_ATTEMPT} FROM attempts a JOIN requests r ON r.id = a.request_id
       WHERE a.job_id = ? AND r.stage = ? AND r.key = ?`,
    )
    .get(jobId, stage, key) as KeyedAttempt | undefined;
}

/** Every attempt of a job by its request's key. */
export function jobAttempts(sql: Sql, jobId: number): Map<string, JobAttempt> {
  const rows = sql(`SELECT ${KEYED_ATTEMPT} FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.job_id = ?`)
    .all(jobId) as KeyedAttempt[];
  return new Map(rows.map((row) => [row.key, { id: row.id, state: row.state, docId: row.docId }]));
}

/** A job's attempts still waiting for a result, with their keys. */
export function openAttempts(sql: Sql, jobId: number): KeyedAttempt[] {
  return sql(
      `SELECT ${KEYED_ATTEMPT} FROM attempts a JOIN requests r ON r.id = a.request_id
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
      `SELECT ${KEYED_ATTEMPT}, a.response AS response, a.finished_at AS finishedAt, r.state AS requestState,
         r.output_path AS outputPath FROM requests r
       JOIN attempts a ON a.id = (SELECT MAX(id) FROM attempts WHERE request_id = r.id AND fingerprint = r.fingerprint)
       WHERE r.stage = ? AND r.state != 'in_job' AND a.response IS NOT NULL ORDER BY r.id`,
    )
    .iterate(stage) as Iterable<LatestResponse>;
}

/** The latest valid attempt made for identical work (same fingerprint), whose stored answer can be reused. */
export function reusableAnswer(sql: Sql, fingerprint: string): ReusableAnswer | undefined {
  return sql(
      `SELECT id, response, finished_at AS finishedAt FROM attempts
       WHERE fingerprint = ? AND state = 'valid' AND response IS NOT NULL ORDER BY id DESC LIMIT 1`,
    )
    .get(fingerprint) as ReusableAnswer | undefined;
}
