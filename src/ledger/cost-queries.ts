/** @module Ledger queries about money: estimated tokens, actual usage, committed spend and token calibration. */
import { auditSpentUsd } from './audit-queries.ts';
import type { Sql } from './sql.ts';

/** A calibration ratio (actual ÷ estimated tokens) and how many jobs it summarises. */
export interface Calibration {
  ratio: number;
  samples: number;
}

/** An attempt's token usage (null: not reported) with its request's token estimates (null: not estimated). */
export interface AttemptUsageEstimate {
  promptTokens: number | null;
  outputTokens: number | null;
  thoughtsTokens: number | null;
  cachedTokens: number | null;
  totalTokens: number | null;
  estimatedInputTokens: number | null;
  estimatedOutputTokens: number | null;
}

/** Estimated tokens of a job's requests (from planning). */
export function jobEstimatedTokens(sql: Sql, jobId: number): { input: number; output: number } {
  return sql(
      `SELECT COALESCE(SUM(r.estimated_input_tokens), 0) AS input, COALESCE(SUM(r.estimated_output_tokens), 0) AS output
       FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.job_id = ?`,
    )
    .get(jobId) as { input: number; output: number };
}

/** A job's attempts' usage and their requests' estimates (not the stored responses: a job has thousands). */
export function jobUsage(sql: Sql, jobId: number): AttemptUsageEstimate[] {
  return sql(
      `SELECT a.prompt_tokens AS promptTokens, a.output_tokens AS outputTokens, a.thoughts_tokens AS thoughtsTokens,
         a.cached_tokens AS cachedTokens, a.total_tokens AS totalTokens, r.estimated_input_tokens AS estimatedInputTokens,
         r.estimated_output_tokens AS estimatedOutputTokens FROM attempts a JOIN requests r ON r.id = a.request_id
       WHERE a.job_id = ?`,
    )
    .all(jobId) as AttemptUsageEstimate[];
}

/**
 * Batch spend committed in the project (or one stage): the actual cost of collected jobs plus the reservation of
 * every job submitted and not yet collected.
 */
export function committedUsd(sql: Sql, stage: string | undefined): number {
  const row = sql(
      `SELECT COALESCE(SUM(COALESCE(actual_usd, estimated_usd, 0)), 0) AS usd FROM jobs
       WHERE state NOT IN ('planned', 'uploading', 'uploaded') AND (? IS NULL OR stage = ?)`,
    )
    .get(stage ?? null, stage ?? null) as { usd: number };
  // Interactive audit calls (#19) are spent money too: the budgets that hold batch jobs hold them.
  return row.usd + auditSpentUsd(sql, stage);
}

/** Stores the calibration of `key` (e.g. `gemini-2.5-flash:input`). */
export function saveCalibration(sql: Sql, key: string, value: Calibration): void {
  sql(
    `INSERT INTO calibration (model, ratio, samples) VALUES (?, ?, ?)
     ON CONFLICT (model) DO UPDATE SET ratio = excluded.ratio, samples = excluded.samples`,
  ).run(key, value.ratio, value.samples);
}

/** The requests of a stage's jobs that are cut but not yet sent (planned, uploading, uploaded), with their estimates. */
export function unsentJobRequests(sql: Sql, stage: string): { key: string; jobId: number; input: number; output: number }[] {
  return sql(
      `SELECT r.key, j.id AS jobId, COALESCE(r.estimated_input_tokens, 0) AS input, COALESCE(r.estimated_output_tokens, 0) AS output
       FROM jobs j JOIN attempts a ON a.job_id = j.id JOIN requests r ON r.id = a.request_id
       WHERE j.stage = ? AND j.state IN ('planned', 'uploading', 'uploaded') ORDER BY j.id, a.id`,
    )
    .all(stage) as { key: string; jobId: number; input: number; output: number }[];
}

/** The average token estimates of a stage's requests so far, or undefined when it has none. */
export function averageEstimatedTokens(sql: Sql, stage: string): { input: number; output: number } | undefined {
  const row = sql(
    'SELECT AVG(estimated_input_tokens) AS input, AVG(estimated_output_tokens) AS output FROM requests WHERE stage = ? AND estimated_input_tokens IS NOT NULL',
  ).get(stage) as { input: number | null; output: number | null };
  return row.input === null ? undefined : { input: row.input, output: row.output ?? 0 };
}

/** Ledger queries about money, bound to a ledger's statements: `ledger.costs`. */
export interface CostQueries {
  /** Estimated tokens of a job's requests (from planning). */
  jobEstimatedTokens(jobId: number): { input: number; output: number };
  /** A job's attempts with their usage and their request's estimates. */
  jobUsage(jobId: number): AttemptUsageEstimate[];
  /** Batch spend committed in the project (or one stage); see {@link committedUsd}. */
  committedUsd(stage?: string): number;
  /** The token calibration of `key` (e.g. `gemini-2.5-flash:input`): actual ÷ estimated, over `samples` jobs. */
  calibration(key: string): Calibration | undefined;
  saveCalibration(key: string, value: Calibration): void;
  /** The requests of a stage's jobs that are cut but not yet sent, with their estimated tokens. */
  unsentJobRequests(stage: string): { key: string; jobId: number; input: number; output: number }[];
  /** The average token estimates of a stage's requests so far (undefined when it has none). */
  averageEstimatedTokens(stage: string): { input: number; output: number } | undefined;
}

/** The money queries bound to `sql`. */
export function costQueries(sql: Sql): CostQueries {
  return {
    jobEstimatedTokens: (jobId) => jobEstimatedTokens(sql, jobId),
    jobUsage: (jobId) => jobUsage(sql, jobId),
    committedUsd: (stage) => committedUsd(sql, stage),
    calibration: (key) => sql('SELECT ratio, samples FROM calibration WHERE model = ?').get(key) as Calibration | undefined,
    saveCalibration: (key, value) => saveCalibration(sql, key, value),
    unsentJobRequests: (stage) => unsentJobRequests(sql, stage),
    averageEstimatedTokens: (stage) => averageEstimatedTokens(sql, stage),
  };
}
