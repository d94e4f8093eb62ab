/**
 * @module Read-only queries for `truebatch dashboard` (`ledger.dashboard`): aggregates computed in SQL and pages of
 * rows (LIMIT/OFFSET on indexed orders), so a page of a 100k-document ledger never loads every row.
 */
import type { AttemptRow, JobRow, RequestRow } from './rows.ts';
import type { Sql } from './sql.ts';

/** Requests of one stage in one state. */
export interface StageStateCount {
  stage: string;
  state: RequestRow['state'];
  n: number;
}

/** Jobs of one stage in one state. */
export interface JobStateCount {
  stage: string;
  state: string;
  n: number;
}

/** A job as the Jobs page shows it: its row and the caches it referenced. */
export interface DashboardJob extends JobRow {
  caches: string | null;
}

/**
 * Finished attempts of one job in one time bucket with the same verdict: what the Success rates page folds (by the
 * job's stage) into valid first try, valid after repair and failed, and its failures by reason.
 */
export interface AttemptOutcomeCount {
  jobId: number;
  /** The second it finished in (ms). */
  at: number;
  state: 'valid' | 'invalid' | 'failed';
  attemptNo: number;
  /** 1 when nothing was repaired in the answer. */
  clean: number;
  failureKind: string | null;
  n: number;
}

/** A request's key with its reason (a failure group's members). */
export interface KeyedReason {
  key: string;
  attemptNo: number;
  reason: string | null;
}

/** A collected job's size and times: the Batch sizes page. */
export interface JobSizeSample {
  id: number;
  stage: string;
  requests: number;
  bytes: number;
  /** Created to submitted (ms): cutting, uploading, creating. */
  waitMs: number | null;
  /** Submitted to finished at the provider (ms). */
  providerMs: number | null;
}

/** Batch spend of one model: the jobs' actual cost once collected, and the reservation of those not yet. */
export interface ModelSpend {
  model: string;
  actualUsd: number;
  reservedUsd: number;
}

/** The pace of completed work: requests finished and the span they took (ms). */
export interface Pace {
  finished: number;
  spanMs: number;
}

/** The dashboard's queries over one ledger. */
export interface DashboardQueries {
  /** A cheap change counter: moves when another connection commits (PRAGMA data_version). */
  dataVersion(): number;
  requestCounts(): StageStateCount[];
  jobCounts(): JobStateCount[];
  spendByModel(): ModelSpend[];
  pace(): Pace;
  /** Jobs, newest first, one page. */
  jobs(limit: number, offset: number): DashboardJob[];
  jobCount(): number;
  /**
   * Finished attempts with ids in [fromId, toId), by job, second and verdict: a rowid range, without a join (a join to
   * requests per attempt cost twice as much at 100k documents).
   */
  attemptOutcomes(fromId: number, toId: number): AttemptOutcomeCount[];
  /**
   * The first attempt that may still change: the smallest id among the attempts of jobs not yet collected (through
   * the job index), else one past the last attempt. Attempts below it are final.
   */
  firstUnsettledAttempt(): number;
  /** Each job's stage. */
  jobStages(): Map<number, string>;
  /** From the first job's submission to the last one's collection (ms), or undefined before any job was submitted. */
  jobSpan(): { first: number; last: number } | undefined;
  /** The keys of a failure group (failed or invalid attempts of `kind`), one page. */
  failureKeys(stage: string, kind: string, limit: number, offset: number): KeyedReason[];
  /** The request, its body as planned and its attempts (with their answers). */
  request(stage: string, key: string): { request: RequestRow; body: string | null; attempts: AttemptRow[] } | undefined;
  /** Requests whose lineage names (stage, key) as an upstream: what this output feeds. */
  downstream(stage: string, key: string, limit: number): Pick<RequestRow, 'stage' | 'key' | 'state'>[];
  /** Requests of a stage, by key, one page, optionally only in `state`. */
  requests(stage: string, state: string | undefined, limit: number, offset: number): Pick<RequestRow, 'key' | 'state' | 'attempts' | 'last_reason'>[];
  jobSizes(): JobSizeSample[];
}

/** The dashboard queries bound to `sql`. */
export function dashboardQueries(sql: Sql): DashboardQueries {
  return {
    dataVersion: () => sql('PRAGMA data_version').pluck().get() as number,
    requestCounts: () =>
      sql('SELECT stage, state, COUNT(*) AS n FROM requests GROUP BY stage, state ORDER BY stage').all() as StageStateCount[],
    jobCounts: () => sql('SELECT stage, state, COUNT(*) AS n FROM jobs GROUP BY stage, state ORDER BY stage').all() as JobStateCount[],
    spendByModel: () =>
      sql(
          `SELECT model, COALESCE(SUM(actual_usd), 0) AS actualUsd,
             COALESCE(SUM(CASE WHEN actual_usd IS NULL THEN estimated_usd END), 0) AS reservedUsd
           FROM jobs WHERE state NOT IN ('planned', 'uploading', 'uploaded') GROUP BY model ORDER BY model`,
        )
        .all() as ModelSpend[],
    pace: () =>
      sql(
          `SELECT COALESCE(SUM(request_count), 0) AS finished,
             COALESCE(MAX(collected_at) - MIN(submitted_at), 0) AS spanMs
           FROM jobs WHERE state = 'collected' AND submitted_at IS NOT NULL`,
        )
        .get() as Pace,
    jobs: (limit, offset) =>
      sql(
          `SELECT j.*, (SELECT group_concat(c.display_name, ', ') FROM cache_jobs cj JOIN caches c ON c.id = cj.cache_id
             WHERE cj.job_id = j.id) AS caches
           FROM jobs j ORDER BY j.id DESC LIMIT ? OFFSET ?`,
        )
        .all(limit, offset) as DashboardJob[],
    jobCount: () => sql('SELECT COUNT(*) FROM jobs').pluck().get() as number,
    attemptOutcomes: (fromId, toId) =>
      sql(
          `SELECT job_id AS jobId, (finished_at / 1000) * 1000 AS at, state, attempt_no AS attemptNo, repairs IS NULL AS clean,
             failure_kind AS failureKind, COUNT(*) AS n
           FROM attempts WHERE id >= ? AND id < ? AND state <> 'in_job' AND finished_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6`,
        )
        .all(fromId, toId) as AttemptOutcomeCount[],
    firstUnsettledAttempt: () =>
      sql(
          `SELECT COALESCE((SELECT MIN(a.id) FROM jobs j JOIN attempts a ON a.job_id = j.id WHERE j.state <> 'collected'),
             (SELECT COALESCE(MAX(id), 0) + 1 FROM attempts))`,
        )
        .pluck()
        .get() as number,
    jobStages: () => new Map((sql('SELECT id, stage FROM jobs').all() as { id: number; stage: string }[]).map((row) => [row.id, row.stage])),
    jobSpan: () => {
      const row = sql('SELECT MIN(submitted_at) AS first, MAX(COALESCE(collected_at, finished_at, submitted_at)) AS last FROM jobs')
        .get() as { first: number | null; last: number | null };
      return row.first === null || row.last === null ? undefined : { first: row.first, last: row.last };
    },
    failureKeys: (stage, kind, limit, offset) =>
      sql(
          `SELECT r.key, a.attempt_no AS attemptNo, a.reason FROM requests r JOIN attempts a ON a.request_id = r.id
           WHERE r.stage = ? AND a.state IN ('failed', 'invalid') AND COALESCE(a.failure_kind, 'other') = ?
           ORDER BY r.key, a.attempt_no LIMIT ? OFFSET ?`,
        )
        .all(stage, kind, limit, offset) as KeyedReason[],
    request: (stage, key) => {
      const request = sql('SELECT * FROM requests WHERE stage = ? AND key = ?').get(stage, key) as RequestRow | undefined;
      if (!request) return undefined;
      const body = sql('SELECT json FROM request_bodies WHERE request_id = ?').pluck().get(request.id) as string | undefined;
      const attempts = sql('SELECT * FROM attempts WHERE request_id = ? ORDER BY attempt_no').all(request.id) as AttemptRow[];
      return { request, body: body ?? null, attempts };
    },
    downstream: (stage, key, limit) =>
      sql(
          `SELECT r.stage, r.key, r.state FROM requests r
           WHERE r.doc_id = ? AND r.stage <> ? AND r.lineage IS NOT NULL AND EXISTS (
             SELECT 1 FROM json_each(r.lineage, '$.upstream') AS up
             WHERE json_extract(up.value, '$.stage') = ? AND json_extract(up.value, '$.key') = ?)
           ORDER BY r.stage, r.key LIMIT ?`,
        )
        .all(docIdOf(sql, stage, key), stage, stage, key, limit) as Pick<RequestRow, 'stage' | 'key' | 'state'>[],
    requests: (stage, state, limit, offset) =>
      sql(
          `SELECT key, state, attempts, last_reason FROM requests WHERE stage = @stage AND (@state IS NULL OR state = @state)
           ORDER BY key LIMIT @limit OFFSET @offset`,
        )
        .all({ stage, state: state ?? null, limit, offset }) as Pick<RequestRow, 'key' | 'state' | 'attempts' | 'last_reason'>[],
    jobSizes: () =>
      sql(
          `SELECT id, stage, request_count AS requests, size_bytes AS bytes, submitted_at - created_at AS waitMs,
             finished_at - submitted_at AS providerMs FROM jobs WHERE state = 'collected' ORDER BY id`,
        )
        .all() as JobSizeSample[],
  };
}

/** The document id of (stage, key): downstream requests share it, which the lookup narrows by. */
function docIdOf(sql: Sql, stage: string, key: string): string | null {
  return (sql('SELECT doc_id FROM requests WHERE stage = ? AND key = ?').pluck().get(stage, key) as string | undefined) ?? null;
}
