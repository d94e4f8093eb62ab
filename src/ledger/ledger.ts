/**
 * @module The ledger: one SQLite file (`.truebatch/ledger.db`, WAL) that is the single source of truth for
 * documents, requests, attempts, jobs and results. Every engine step reads its work from here and records what it
 * did here, in transactions, so any crash is repaired by running the same command again.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../shared/index.ts';
import type { JobState } from './job-states.ts';
import type { AttemptRow, JobRow, PendingRequest, RequestRow, ResultRecord, WrittenOutput } from './rows.ts';
import { applyResult, largestPendingKeys, markCached, pendingOf, pendingRequests, requestCounts, requestStatus, requestKeys, submittableRequests, upsertRequest, type RequestInput, type RequestStatus, type SubmittableRequest, type UpsertOutcome } from './request-queries.ts';
import { createJob, latestCanary, updateJob, withdrawJob, type CanaryOutcome, type JobFields, type NewJob } from './job-queries.ts';
import { attemptInJob, jobAttempts, latestResponses, openAttempts, reusableAnswer, type JobAttempt, type KeyedAttempt, type LatestResponse, type ReusableAnswer } from './attempt-queries.ts';
import { documentQueries, type DocumentQueries } from './document-queries.ts';
import { outputQueries, type OutputQueries } from './output-queries.ts';
import { costQueries, type CostQueries } from './cost-queries.ts';
import { outcomeQueries, type OutcomeQueries } from './outcome-queries.ts';
import { reportQueries, type ReportQueries } from './report-queries.ts';
import { provenanceQueries, type ProvenanceQueries } from './provenance-queries.ts';
import { cacheQueries, type CacheQueries } from './cache-queries.ts';
import { providerHealthQueries, type ProviderHealthQueries } from './provider-health-queries.ts';
import { uploadQueries, type UploadQueries } from './upload-queries.ts';
import { auditQueries, type AuditQueries } from './audit-queries.ts';
import { dashboardQueries, type DashboardQueries } from './dashboard-queries.ts';

export type { UpsertOutcome, RequestInput, RequestStatus, SubmittableRequest } from './request-queries.ts';

/**
 * Typed access to the ledger. All multi-row changes are transactions. The database and its statements are private:
 * nothing outside src/ledger/ runs SQL (`internalsOf` in internals.ts is the way in for the ledger's own modules).
 */
export class Ledger {
  private readonly db: Database.Database;
  readonly #clock: Clock;
  readonly #statements = new Map<string, Database.Statement>();
  /** A prepared statement for `sql`, compiled once per ledger (compiling is most of a small query's cost). */
  private readonly sql = (text: string): Database.Statement => {
    let statement = this.#statements.get(text);
    if (!statement) this.#statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  };

  /** Why attempts failed, what was repaired, usage, given-up requests, job verdicts (outcome-queries.ts). */
  readonly outcomes: OutcomeQueries;
  /** What the cost and outcome report reads (report-queries.ts). */
  readonly report: ReportQueries;
  /** What provenance reads (provenance-queries.ts). */
  readonly provenance: ProvenanceQueries;
  /** Estimated and actual tokens, committed spend and token calibration (cost-queries.ts). */
  readonly costs: CostQueries;
  /** Recorded outputs, the answers they were made from, and rewriting them (output-queries.ts). */
  readonly outputs: OutputQueries;
  /** A stage's documents and corpus problems (document-queries.ts). */
  readonly documents: DocumentQueries;
  /** Retried provider calls and the provider's health over the runs (provider-health-queries.ts). */
  readonly providerHealth: ProviderHealthQueries;
  /** Explicit context caches and the jobs that reference them (cache-queries.ts). */
  readonly caches: CacheQueries;
  /** Uploaded PDFs and images, content-addressed, and the jobs that reference them (upload-queries.ts). */
  readonly uploads: UploadQueries;
  /** Audits: interactive calls on a sample of valid requests, and their comparisons (audit-queries.ts, #19). */
  readonly audits: AuditQueries;
  /** What `truebatch dashboard` reads: aggregates and pages (dashboard-queries.ts). */
  readonly dashboard: DashboardQueries;

  /** One transaction wrapper for every call: better-sqlite3 builds a wrapper per `db.transaction`, which is not free. */
  readonly #runInTransaction: (fn: () => unknown) => unknown;

  constructor(db: Database.Database, clock: Clock) {
    this.db = db;
    this.#clock = clock;
    this.#runInTransaction = db.transaction((fn: () => unknown) => fn());
    this.outcomes = outcomeQueries(this.sql);
    this.report = reportQueries(this.sql);
    this.provenance = provenanceQueries(this.sql);
    this.costs = costQueries(this.sql);
    this.outputs = outputQueries(this.sql, clock);
    this.documents = documentQueries(this.sql, (fn) => this.transaction(fn));
    this.providerHealth = providerHealthQueries(this.sql);
    this.caches = cacheQueries(this.sql, clock);
    this.uploads = uploadQueries(this.sql, clock);
    this.audits = auditQueries(this.sql, clock);
    this.dashboard = dashboardQueries(this.sql);
  }

  /** The ledger file. */
  get path(): string { return this.db.name; }

  close(): void { this.db.close(); }

  /** Runs `fn` in one transaction (a savepoint inside an open one), rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    return this.#runInTransaction(fn) as T;
  }

  /**
   * Runs `fn` (outside any transaction) with its commit, and every one before it, flushed to disk: the WAL is only
   * synced at checkpoints otherwise, and a power cut that took back a job's intent would let it be created twice.
   */
  durably<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try { return fn(); } finally { this.db.pragma('synchronous = NORMAL'); }
  }

  /**
   * Runs an async loop whose writes are grouped into one transaction per `every` ticks (a crash loses at most one group, which
   * the idempotent steps redo). `outside(fn)` commits it and runs `fn` with none open: its writes commit (and flush) in order.
   */
  async batched<T>(work: (tick: () => void, outside: <R>(fn: () => Promise<R>) => Promise<R>) => Promise<T>, every = 500): Promise<T> {
    if (this.db.inTransaction) return work(() => {}, (fn) => fn());
    let count = 0;
    this.db.exec('BEGIN');
    try {
      return await work(() => {
        if (++count % every === 0) {
          this.db.exec('COMMIT');
          this.db.exec('BEGIN');
        }
      }, (fn) => {
        this.db.exec('COMMIT');
        return fn().finally(() => this.db.inTransaction || this.db.exec('BEGIN'));
      });
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  /** A stable random id for this project, so its display names never collide with another project's. */
  projectId(makeId: () => string): string {
    const row = this.sql("SELECT value FROM meta WHERE key = 'project_id'").get() as { value: string } | undefined;
    if (row) return row.value;
    const id = makeId();
    this.sql("INSERT INTO meta (key, value) VALUES ('project_id', ?)").run(id);
    return id;
  }

  addEvent(kind: string, message: string, where: { stage?: string; jobId?: number } = {}): void {
    this.sql('INSERT INTO events (at, kind, stage, job_id, message) VALUES (?, ?, ?, ?, ?)')
      .run(this.#clock.now(), kind, where.stage ?? null, where.jobId ?? null, message);
  }

  // ── requests (queries in request-queries.ts) ───────────────────────────────────────────────────────────────────────

  /**
   * Records the request for (stage, key). Same fingerprint: unchanged. A new fingerprint (the document, prompt or
   * config changed) starts the request afresh, unless it is in a live job (`busy`: picked up after collection).
   * `current` is its status as just read with {@link requestStatus} (planning needs it too: read once).
   */
  upsertRequest(input: RequestInput, current: RequestStatus | undefined): UpsertOutcome {
    return upsertRequest(this.sql, this.#clock.now(), input, current);
  }

  /** Requests of a stage waiting for a job, with their bodies, in a stable order, streamed (only `keys` when given). */
  *pendingRequests(stage: string, keys?: ReadonlySet<string>): Generator<PendingRequest> {
    for (const row of pendingRequests(this.sql, stage)) if (!keys || keys.has(row.key)) yield row;
  }

  /** A stage's pending and given-up requests with their bodies, streamed (what `truebatch plan` lays its decisions over). */
  submittableRequests(stage: string): Iterable<SubmittableRequest> {
    return submittableRequests(this.sql, stage);
  }

  /** The keys of a stage's requests in `state`. */
  requestKeys(stage: string, state: RequestRow['state']): string[] {
    return requestKeys(this.sql, stage, state);
  }

  /** The stage's most recent canary job and how its attempts ended. */
  latestCanary(stage: string): CanaryOutcome | undefined {
    return latestCanary(this.sql, stage);
  }

  /** Keys of the `count` largest pending requests of a stage (by estimated input tokens): a canary's sample. */
  largestPendingKeys(stage: string, count: number): string[] {
    return largestPendingKeys(this.sql, stage, count);
  }

  /** How many requests of a stage wait for a job, and the oldest one's last change (cheap: costs what is pending). */
  pending(stage: string): { count: number; oldestSince: number | undefined } {
    return pendingOf(this.sql, stage);
  }

  /** Just what planning needs to know of the request for (stage, key). */
  requestStatus(stage: string, key: string): RequestStatus | undefined {
    return requestStatus(this.sql, stage, key);
  }

  requestByKey(stage: string, key: string): RequestRow | undefined {
    return this.sql('SELECT * FROM requests WHERE stage = ? AND key = ?').get(stage, key) as RequestRow | undefined;
  }

  /** The request whose output is at `outputPath`. */
  requestByOutput(outputPath: string): RequestRow | undefined {
    return this.sql('SELECT * FROM requests WHERE output_path = ?').get(outputPath) as RequestRow | undefined;
  }

  /** Every request for a document id, in every stage. */
  requestsForDocument(docId: string): RequestRow[] {
    return this.sql('SELECT * FROM requests WHERE doc_id = ? ORDER BY stage, key').all(docId) as RequestRow[];
  }

  /** Requests of `stage` with a valid output, streamed (the input of downstream stages). */
  *validRequests(stage: string): Generator<RequestRow> {
    yield* this.sql("SELECT * FROM requests WHERE stage = ? AND state = 'valid' AND output_path IS NOT NULL ORDER BY id")
      .iterate(stage) as Iterable<RequestRow>;
  }

  requestCounts(stage: string): Record<RequestRow['state'], number> {
    return requestCounts(this.sql, stage);
  }

  givenUpRequests(stage: string): RequestRow[] {
    return this.sql("SELECT * FROM requests WHERE stage = ? AND state = 'given_up' ORDER BY key").all(stage) as RequestRow[];
  }

  /** The latest valid attempt made for identical work (same fingerprint), whose stored answer can be reused. */
  reusableAttempt(fingerprint: string): ReusableAnswer | undefined {
    return reusableAnswer(this.sql, fingerprint);
  }

  /** Marks a pending request valid with the output reused from `attemptId` (no submission). */
  markCached(stage: string, key: string, attemptId: number, output: WrittenOutput): void {
    markCached(this.sql, this.#clock.now(), { stage, key, attemptId, output });
  }

  // ── jobs ───────────────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records a planned job and assigns its requests to it as their next attempt, in one transaction: after this a
   * request is in exactly one live job.
   */
  createJob(input: NewJob): JobRow {
    return this.job(this.transaction(() => createJob(this.sql, this.#clock.now(), input)));
  }

  job(id: number): JobRow {
    return this.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow;
  }

  jobs(filter: { stage?: string; states?: readonly JobState[] } = {}): JobRow[] {
    // Filtered in SQL: a long-lived project keeps every job it ever ran, and the run loop asks often.
    return this.sql(`SELECT * FROM jobs WHERE (@stage IS NULL OR stage = @stage)
      AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states))) ORDER BY id`)
      .all({ stage: filter.stage ?? null, states: filter.states ? JSON.stringify(filter.states) : null }) as JobRow[];
  }

  /** Moves a job to `to` (checked) and sets the given columns. */
  updateJob(id: number, to: JobState, fields: JobFields = {}): JobRow {
    updateJob(this.sql, this.#clock.now(), this.job(id), to, fields);
    return this.job(id);
  }

  /** Takes back a job never created at the provider: its requests pending again, the job and its links gone. */
  withdrawJob(id: number): void {
    this.transaction(() => withdrawJob(this.sql, this.job(id)));
  }

  /** The attempt of `key` in `jobId`, if the key belongs to that job. */
  attemptInJob(jobId: number, stage: string, key: string): KeyedAttempt | undefined {
    return attemptInJob(this.sql, jobId, stage, key);
  }

  /** Every attempt of a job by its request's key: read once per collection instead of a query per result line. */
  jobAttempts(jobId: number): Map<string, JobAttempt> {
    return jobAttempts(this.sql, jobId);
  }

  /** A job's attempts still waiting for a result. */
  openAttempts(jobId: number): KeyedAttempt[] {
    return openAttempts(this.sql, jobId);
  }

  /**
   * Records the outcome of one attempt and moves its request on: valid → valid; otherwise back to pending for a
   * new attempt in a new job, or given up when out of attempts.
   */
  recordResult(attemptId: number, result: ResultRecord): void {
    this.transaction(() => {
      const attempt = this.sql('SELECT id, request_id, state FROM attempts WHERE id = ?').get(attemptId) as
        Pick<AttemptRow, 'id' | 'request_id' | 'state'>;
      if (attempt.state !== 'in_job') return; // already recorded (a re-collection after a crash)
      applyResult(this.sql, this.#clock.now(), attempt, result);
    });
  }

  /** Replaces the verdict of a request's latest attempt (offline re-validation after the rules changed). */
  reviseResult(attemptId: number, result: ResultRecord): void {
    this.transaction(() => {
      const attempt = this.sql('SELECT * FROM attempts WHERE id = ?').get(attemptId) as AttemptRow;
      applyResult(this.sql, this.#clock.now(), attempt, { ...result, response: result.response ?? attempt.response ?? '' });
    });
  }

  /** Each request's latest attempt at its current fingerprint with a stored response, streamed (re-validation). */
  latestResponses(stage: string): Iterable<LatestResponse> {
    return latestResponses(this.sql, stage);
  }
}
