/**
 * @module Read-only queries for the cost and outcome report: the rows it folds into its figures, each streamed, and
 * the counts it needs whole.
 */
import type { Sql } from './sql.ts';

/** A request as the report reads it. */
export interface ReportRequest {
  stage: string;
  model: string;
  state: string;
  estimatedInput: number | null;
  estimatedOutput: number | null;
}

/** A given-up request with its last reason. */
export interface ReportGivenUp {
  stage: string;
  key: string;
  attempts: number;
  reason: string;
}

/** An attempt with its request's stage and key, the model it ran on, its verdict, usage and stored issues (JSON). */
export interface ReportAttempt {
  stage: string;
  key: string;
  model: string;
  state: string;
  prompt: number | null;
  output: number | null;
  thoughts: number | null;
  cached: number | null;
  total: number | null;
  issues: string | null;
}

/** A job's state and times. */
export interface ReportJob {
  stage: string;
  state: string;
  submittedAt: number | null;
  finishedAt: number | null;
}

/** Every stage the ledger knows, by name. */
export function ledgerStages(sql: Sql): string[] {
  return sql('SELECT stage FROM requests UNION SELECT stage FROM jobs ORDER BY stage').pluck().all() as string[];
}

/** Every request, streamed in id order. */
export function reportRequests(sql: Sql): Iterable<ReportRequest> {
  return sql(
      `SELECT stage, model, state, estimated_input_tokens AS estimatedInput, estimated_output_tokens AS estimatedOutput
       FROM requests ORDER BY id`,
    )
    .iterate() as Iterable<ReportRequest>;
}

/** Every given-up request, streamed by stage and key. */
export function reportGivenUp(sql: Sql): Iterable<ReportGivenUp> {
  return sql(
      `SELECT stage, key, attempts, COALESCE(last_reason, 'unknown') AS reason FROM requests WHERE state = 'given_up'
       ORDER BY stage, key`,
    )
    .iterate() as Iterable<ReportGivenUp>;
}

/** Every attempt, streamed in id order. The job's model is the one it ran on; the request's may have changed since. */
export function reportAttempts(sql: Sql): Iterable<ReportAttempt> {
  return sql(
      `SELECT r.stage AS stage, r.key AS key, COALESCE(j.model, r.model) AS model, a.state AS state,
         a.prompt_tokens AS prompt, a.output_tokens AS output, a.thoughts_tokens AS thoughts, a.cached_tokens AS cached,
         a.total_tokens AS total, a.issues AS issues
       FROM attempts a JOIN requests r ON r.id = a.request_id LEFT JOIN jobs j ON j.id = a.job_id ORDER BY a.id`,
    )
    .iterate() as Iterable<ReportAttempt>;
}

/** Every job, streamed in id order. */
export function reportJobs(sql: Sql): Iterable<ReportJob> {
  return sql('SELECT stage, state, submitted_at AS submittedAt, finished_at AS finishedAt FROM jobs ORDER BY id')
    .iterate() as Iterable<ReportJob>;
}

/**
 * How many documents have a request in each of `stages`, and in any of them: a document that goes through two
 * stages has two requests but is one document.
 */
export function documentCounts(sql: Sql, stages: readonly string[]): { byStage: Map<string, number>; total: number } {
  const chosen = JSON.stringify(stages);
  const rows = sql(
      `SELECT stage, COUNT(DISTINCT doc_id) AS n FROM requests WHERE stage IN (SELECT value FROM json_each(?)) GROUP BY stage`,
    )
    .all(chosen) as { stage: string; n: number }[];
  const total = sql('SELECT COUNT(DISTINCT doc_id) AS n FROM requests WHERE stage IN (SELECT value FROM json_each(?))')
    .get(chosen) as { n: number };
  return { byStage: new Map(rows.map((row) => [row.stage, row.n])), total: total.n };
}

/** The report's read-only queries over one ledger (`ledger.report`); rows are streamed, counts whole. */
export interface ReportQueries {
  /** Every stage the ledger knows, by name. */
  stages(): string[];
  /** Every request, streamed in id order. */
  requests(): Iterable<ReportRequest>;
  /** Every given-up request, streamed by stage and key. */
  givenUp(): Iterable<ReportGivenUp>;
  /** Every attempt, streamed in id order, with the model its job ran on. */
  attempts(): Iterable<ReportAttempt>;
  /** Every job, streamed in id order. */
  jobs(): Iterable<ReportJob>;
  /** How many documents have a request in each of `stages`, and in any of them. */
  documentCounts(stages: readonly string[]): { byStage: Map<string, number>; total: number };
}

/** The report queries over a ledger's statements. */
export function reportQueries(sql: Sql): ReportQueries {
  return {
    stages: () => ledgerStages(sql),
    requests: () => reportRequests(sql),
    givenUp: () => reportGivenUp(sql),
    attempts: () => reportAttempts(sql),
    jobs: () => reportJobs(sql),
    documentCounts: (stages) => documentCounts(sql, stages),
  };
}
