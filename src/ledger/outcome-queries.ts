/**
 * @module Queries that explain a stage's or a job's outcome: attempts by why they failed, answers by what was
 * repaired, usage to price, and a job's lines by verdict. Counts are SQL aggregates; usage is streamed.
 */
import type { Sql } from './sql.ts';
import type { FailureKind } from './rows.ts';
import type { RepairKind } from '../validation/index.ts';

/** Failed or invalid attempts of one kind, and how many of them were followed by another attempt. */
export interface FailureCount {
  kind: FailureKind;
  attempts: number;
  /** Those whose request was submitted again afterwards. */
  resubmitted: number;
}

/** Answers that had one kind of repair. */
export interface RepairCount {
  kind: RepairKind;
  attempts: number;
}

/** Answers with one kind of repair, or invalid attempts with one kind of problem, at one field. */
export interface FieldCount {
  /** `alias` (a repair), or the failure kind of a broken rule: `required`, `schema`, `any-of`, `not-object`. */
  kind: 'alias' | 'required' | 'schema' | 'any-of' | 'not-object';
  /** JSON pointer, array positions as `*` (`/findings/*\/value`); `""` is the whole answer. */
  field: string;
  attempts: number;
}

/** The tokens one attempt used, and the model it ran on (the job's: the request's model may have changed since). */
export interface AttemptUsage {
  model: string;
  promptTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
  totalTokens: number;
}

/** A job's attempts by verdict. */
export interface JobLineCounts {
  valid: number;
  /** Answers that came back but were not usable: invalid JSON, a broken rule, truncated, empty or blocked. */
  rejected: number;
  /** Lines the provider answered with an error. */
  providerFailed: number;
  /** Attempts without a line: missing from the results file, or the job ended before them. */
  missing: number;
  /** Attempts still waiting for a result. */
  open: number;
}

/** Why attempts of `stage` failed, most frequent first. */
export function failureCounts(sql: Sql, stage: string): FailureCount[] {
  return sql(
      `SELECT COALESCE(a.failure_kind, 'other') AS kind, COUNT(*) AS attempts,
         COALESCE(SUM(EXISTS (SELECT 1 FROM attempts b WHERE b.request_id = a.request_id AND b.attempt_no > a.attempt_no)), 0)
           AS resubmitted
       FROM requests r JOIN attempts a ON a.request_id = r.id
       WHERE r.stage = ? AND a.state IN ('failed', 'invalid') GROUP BY kind ORDER BY attempts DESC, kind`,
    )
    .all(stage) as FailureCount[];
}

/** What was repaired in answers of `stage`: answers per kind of repair, in the order alias, fence, prose. */
export function repairCounts(sql: Sql, stage: string): RepairCount[] {
  return sql(
      `SELECT repair.value AS kind, COUNT(*) AS attempts
       FROM requests r JOIN attempts a ON a.request_id = r.id JOIN json_each(a.repairs) AS repair
       WHERE r.stage = ? AND a.repairs IS NOT NULL GROUP BY repair.value
       ORDER BY CASE repair.value WHEN 'alias' THEN 1 WHEN 'fence' THEN 2 WHEN 'prose' THEN 3 ELSE 4 END`,
    )
    .all(stage) as RepairCount[];
}

/**
 * Where the repairs and broken rules of `stage` were, by kind and field (issue #19): aliases renamed in any answer,
 * required fields missing and schema problems in invalid ones, most frequent first. Read from the issues each attempt
 * stored, so ledgers from before this count too.
 */
export function fieldCounts(sql: Sql, stage: string): FieldCount[] {
  const rows = sql(
      `SELECT a.id AS attempt, json_extract(issue.value, '$.code') AS kind, json_extract(issue.value, '$.path') AS path
       FROM requests r JOIN attempts a ON a.request_id = r.id JOIN json_each(a.issues) AS issue
       WHERE r.stage = ? AND a.issues IS NOT NULL AND json_valid(a.issues) AND (json_extract(issue.value, '$.code') = 'alias'
         OR (a.state = 'invalid' AND json_extract(issue.value, '$.severity') = 'error'
           AND json_extract(issue.value, '$.code') IN ('required', 'schema', 'any-of', 'not-object')))`,
    )
    .iterate(stage) as Iterable<{ attempt: number; kind: FieldCount['kind']; path: string | null }>;
  const attempts = new Map<string, { kind: FieldCount['kind']; field: string; ids: Set<number> }>();
  for (const row of rows) {
    const field = (row.path ?? '').replace(/\/\d+(?=\/|$)/g, '/*');
    const id = `${row.kind}\u0000${field}`;
    const entry = attempts.get(id) ?? { kind: row.kind, field, ids: new Set<number>() };
    entry.ids.add(row.attempt);
    attempts.set(id, entry);
  }
  return [...attempts.values()]
    .map(({ kind, field, ids }) => ({ kind, field, attempts: ids.size }))
    .sort((a, b) => b.attempts - a.attempts || a.kind.localeCompare(b.kind) || a.field.localeCompare(b.field));
}

/** The usage of every attempt of `stage` that reported any, streamed. */
export function stageUsage(sql: Sql, stage: string): Iterable<AttemptUsage> {
  return sql(
      `SELECT COALESCE(j.model, r.model) AS model, COALESCE(a.prompt_tokens, 0) AS promptTokens,
         COALESCE(a.output_tokens, 0) AS outputTokens, COALESCE(a.thoughts_tokens, 0) AS thoughtsTokens,
         COALESCE(a.cached_tokens, 0) AS cachedTokens,
         COALESCE(a.total_tokens, COALESCE(a.prompt_tokens, 0) + COALESCE(a.output_tokens, 0) + COALESCE(a.thoughts_tokens, 0))
           AS totalTokens
       FROM requests r JOIN attempts a ON a.request_id = r.id LEFT JOIN jobs j ON j.id = a.job_id
       WHERE r.stage = ? AND (a.prompt_tokens IS NOT NULL OR a.output_tokens IS NOT NULL OR a.thoughts_tokens IS NOT NULL)`,
    )
    .iterate(stage) as Iterable<AttemptUsage>;
}

/** A stage's attempts and their reported tokens, summed. */
export interface AttemptTotals {
  attempts: number;
  prompt: number;
  output: number;
  thoughts: number;
}

/** A request given up, with how many attempts it had and the reason of its last. */
export interface GivenUpRequest {
  key: string;
  attempts: number;
  /** `unknown` when none was recorded. */
  reason: string;
}

/** Attempts of `stage` and their reported tokens, summed. */
export function attemptTotals(sql: Sql, stage: string): AttemptTotals {
  return sql(
      `SELECT COUNT(*) AS attempts, COALESCE(SUM(a.prompt_tokens), 0) AS prompt, COALESCE(SUM(a.output_tokens), 0) AS output,
         COALESCE(SUM(a.thoughts_tokens), 0) AS thoughts
       FROM attempts a JOIN requests r ON r.id = a.request_id WHERE r.stage = ?`,
    )
    .get(stage) as AttemptTotals;
}

/** Valid requests of `stage` served from an earlier identical answer, without a submission. */
export function cachedCount(sql: Sql, stage: string): number {
  const row = sql("SELECT COUNT(*) AS n FROM requests WHERE stage = ? AND state = 'valid' AND cached_from IS NOT NULL")
    .get(stage) as { n: number };
  return row.n;
}

/** The given-up requests of `stage`, by key. */
export function givenUpRequests(sql: Sql, stage: string): GivenUpRequest[] {
  return sql(
      `SELECT key, attempts, COALESCE(last_reason, 'unknown') AS reason FROM requests WHERE stage = ? AND state = 'given_up'
       ORDER BY key`,
    )
    .all(stage) as GivenUpRequest[];
}

/** Failure kinds of attempts that got no line at all. */
const NO_LINE = "'missing-key', 'job-expired', 'job-cancelled', 'job-failed', 'job-lost'";
/** Failure kinds of attempts that got no answer: no line, or an error line. */
const NO_ANSWER = `'provider-error', ${NO_LINE}`;

/** Every job's attempts by verdict, by job id (jobs without attempts are absent). */
export function jobLineCounts(sql: Sql): Map<number, JobLineCounts> {
  const rows = sql(
      `SELECT job_id AS jobId, COALESCE(SUM(state = 'valid'), 0) AS valid,
         COALESCE(SUM(state = 'invalid' OR (state = 'failed' AND COALESCE(failure_kind, 'other') NOT IN (${NO_ANSWER}))), 0) AS rejected,
         COALESCE(SUM(failure_kind = 'provider-error'), 0) AS providerFailed,
         COALESCE(SUM(state = 'failed' AND failure_kind IN (${NO_LINE})), 0) AS missing,
         COALESCE(SUM(state = 'in_job'), 0) AS open
       FROM attempts GROUP BY job_id`,
    )
    .all() as (JobLineCounts & { jobId: number })[];
  return new Map(rows.map(({ jobId, ...counts }) => [jobId, counts]));
}

/** The outcome queries of one ledger (`ledger.outcomes`): what summaries, costs and `inspect jobs` read. */
export interface OutcomeQueries {
  /** Why attempts of a stage failed, most frequent first. */
  failureCounts(stage: string): FailureCount[];
  /** What was repaired in a stage's answers, in the order alias, fence, prose. */
  repairCounts(stage: string): RepairCount[];
  /** Where a stage's repairs and broken rules were, by kind and field, most frequent first. */
  fieldCounts(stage: string): FieldCount[];
  /** The usage of every attempt of a stage that reported any, streamed. */
  stageUsage(stage: string): Iterable<AttemptUsage>;
  /** A stage's attempts and their reported tokens, summed. */
  attemptTotals(stage: string): AttemptTotals;
  /** Valid requests of a stage served from an earlier identical answer. */
  cachedCount(stage: string): number;
  /** The given-up requests of a stage, by key. */
  givenUpRequests(stage: string): GivenUpRequest[];
  /** Every job's attempts by verdict, by job id (jobs without attempts are absent). */
  jobLineCounts(): Map<number, JobLineCounts>;
}

/** The outcome queries over a ledger's statements. */
export function outcomeQueries(sql: Sql): OutcomeQueries {
  return {
    failureCounts: (stage) => failureCounts(sql, stage),
    repairCounts: (stage) => repairCounts(sql, stage),
    fieldCounts: (stage) => fieldCounts(sql, stage),
    stageUsage: (stage) => stageUsage(sql, stage),
    attemptTotals: (stage) => attemptTotals(sql, stage),
    cachedCount: (stage) => cachedCount(sql, stage),
    givenUpRequests: (stage) => givenUpRequests(sql, stage),
    jobLineCounts: () => jobLineCounts(sql),
  };
}
