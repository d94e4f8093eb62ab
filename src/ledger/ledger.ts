/**
 * @module The ledger: one SQLite file (`.truebatch/ledger.db`, WAL) that is the single source of truth for
 * documents, requests, attempts, jobs and results. Every engine step reads its work from here and records what it
 * did here, in transactions, so any crash is repaired by running the same command again.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FilesystemError, JobStateError, type Clock } from '../shared/index.ts';
import { migrations } from './schema.ts';
import { assertJobTransition, type JobState } from './job-states.ts';
import type { AttemptRow, JobRow, RequestRow, ResultRecord } from './rows.ts';

/** What `upsertRequest` did. */
export type UpsertOutcome = 'new' | 'unchanged' | 'changed' | 'busy';

/** Opens (creating and migrating as needed) the ledger at `path`. */
export function openLedger(path: string, clock: Clock): Ledger {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let i = applied; i < migrations.length; i++) {
      db.transaction(() => {
        db.exec(migrations[i] ?? '');
        db.pragma(`user_version = ${i + 1}`);
      })();
    }
    return new Ledger(db, clock);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FilesystemError(`cannot open the ledger ${path}: ${reason}`, { cause: error });
  }
}

/** Typed access to the ledger. All multi-row changes are transactions. */
export class Ledger {
  readonly db: Database.Database;
  readonly #clock: Clock;

  constructor(db: Database.Database, clock: Clock) {
    this.db = db;
    this.#clock = clock;
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A stable random id for this project, so its display names never collide with another project's. */
  projectId(makeId: () => string): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'project_id'").get() as { value: string } | undefined;
    if (row) return row.value;
    const id = makeId();
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('project_id', ?)").run(id);
    return id;
  }

  addEvent(kind: string, message: string, where: { stage?: string; jobId?: number } = {}): void {
    this.db
      .prepare('INSERT INTO events (at, kind, stage, job_id, message) VALUES (?, ?, ?, ?, ?)')
      .run(this.#clock.now(), kind, where.stage ?? null, where.jobId ?? null, message);
  }

  // ── corpus ──────────────────────────────────────────────────────────────────────────────────────────────

  replaceCorpusIssues(stage: string, issues: readonly { path: string; kind: 'excluded' | 'invalid'; reason: string }[]): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM corpus_issues WHERE stage = ?').run(stage);
      const insert = this.db.prepare('INSERT OR REPLACE INTO corpus_issues (stage, path, kind, reason) VALUES (?, ?, ?, ?)');
      for (const issue of issues) insert.run(stage, issue.path, issue.kind, issue.reason);
    });
  }

  corpusIssues(stage: string): { path: string; kind: string; reason: string }[] {
    return this.db.prepare('SELECT path, kind, reason FROM corpus_issues WHERE stage = ? ORDER BY path').all(stage) as {
      path: string;
      kind: string;
      reason: string;
    }[];
  }

  upsertDocument(stage: string, doc: { id: string; path: string; contentHash: string; sizeBytes: number }): void {
    this.db
      .prepare(
        `INSERT INTO documents (stage, doc_id, path, content_hash, size_bytes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stage, doc_id) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash,
           size_bytes = excluded.size_bytes`,
      )
      .run(stage, doc.id, doc.path, doc.contentHash, doc.sizeBytes);
  }

  documentPath(stage: string, docId: string): string | undefined {
    const row = this.db.prepare('SELECT path FROM documents WHERE stage = ? AND doc_id = ?').get(stage, docId) as
      | { path: string }
      | undefined;
    return row?.path;
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records the request for (stage, key). Same fingerprint: unchanged. A new fingerprint (the document, prompt or
   * config changed) starts the request afresh, unless it is in a live job (`busy`: picked up after collection).
   */
  upsertRequest(input: {
    stage: string;
    docId: string;
    key: string;
    fingerprint: string;
    model: string;
    requestJson: string;
    maxAttempts: number;
    estimatedInputTokens?: number;
  }): UpsertOutcome {
    const existing = this.db.prepare('SELECT * FROM requests WHERE stage = ? AND key = ?').get(input.stage, input.key) as
      | RequestRow
      | undefined;
    const now = this.#clock.now();
    if (!existing) {
      this.db
        .prepare(
          `INSERT INTO requests (stage, doc_id, key, fingerprint, model, request_json, state, attempts, max_attempts,
             estimated_input_tokens, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
        )
        .run(input.stage, input.docId, input.key, input.fingerprint, input.model, input.requestJson, input.maxAttempts,
          input.estimatedInputTokens ?? null, now);
      return 'new';
    }
    if (existing.fingerprint === input.fingerprint) {
      if (existing.max_attempts !== input.maxAttempts) {
        // A raised maxAttempts revives given-up requests that now have attempts left.
        this.db
          .prepare(
            `UPDATE requests SET max_attempts = ?, state = CASE WHEN state = 'given_up' AND attempts < ? THEN 'pending'
               ELSE state END, updated_at = ? WHERE id = ?`,
          )
          .run(input.maxAttempts, input.maxAttempts, now, existing.id);
      }
      return 'unchanged';
    }
    if (existing.state === 'in_job') return 'busy';
    this.db
      .prepare(
        `UPDATE requests SET fingerprint = ?, model = ?, request_json = ?, doc_id = ?, state = 'pending', attempts = 0, max_attempts = ?,
           repair_note = NULL, last_reason = NULL, output_path = NULL, estimated_input_tokens = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(input.fingerprint, input.model, input.requestJson, input.docId, input.maxAttempts, input.estimatedInputTokens ?? null, now,
        existing.id);
    return 'changed';
  }

  /** Requests of a stage waiting for a job, in a stable order, streamed. */
  *pendingRequests(stage: string): Generator<RequestRow> {
    yield* this.db.prepare("SELECT * FROM requests WHERE stage = ? AND state = 'pending' ORDER BY id").iterate(stage) as
      Iterable<RequestRow>;
  }

  requestByKey(stage: string, key: string): RequestRow | undefined {
    return this.db.prepare('SELECT * FROM requests WHERE stage = ? AND key = ?').get(stage, key) as RequestRow | undefined;
  }

  requestCounts(stage: string): Record<RequestRow['state'], number> {
    const counts = { pending: 0, in_job: 0, valid: 0, given_up: 0 };
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM requests WHERE stage = ? GROUP BY state').all(stage) as {
      state: RequestRow['state'];
      n: number;
    }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  givenUpRequests(stage: string): RequestRow[] {
    return this.db.prepare("SELECT * FROM requests WHERE stage = ? AND state = 'given_up' ORDER BY key").all(stage) as RequestRow[];
  }

  // ── jobs ────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Records a planned job and assigns its requests to it as their next attempt, in one transaction: after this a
   * request is in exactly one live job.
   */
  createJob(input: {
    stage: string;
    /** The display name is `<prefix>-<job id>`: unique, and it carries the stage and the job. */
    displayNamePrefix: string;
    model: string;
    inputPath: string;
    sizeBytes: number;
    /** The keys of the stage's pending requests that go in this job. */
    keys: readonly string[];
  }): JobRow {
    return this.transaction(() => {
      const now = this.#clock.now();
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO jobs (stage, display_name, state, model, input_path, request_count, size_bytes, created_at,
             updated_at) VALUES (?, ?, 'planned', ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.stage, `${input.displayNamePrefix}-pending-${now}-${input.inputPath}`, input.model, input.inputPath, input.keys.length, input.sizeBytes,
          now, now);
      const jobId = Number(lastInsertRowid);
      const displayName = `${input.displayNamePrefix}-${jobId}`;
      this.db.prepare('UPDATE jobs SET display_name = ? WHERE id = ?').run(displayName, jobId);
      const take = this.db.prepare(
        `UPDATE requests SET state = 'in_job', attempts = attempts + 1, updated_at = ?
         WHERE stage = ? AND key = ? AND state = 'pending' RETURNING id, attempts`,
      );
      const insertAttempt = this.db.prepare(
        "INSERT INTO attempts (request_id, attempt_no, job_id, state) VALUES (?, ?, ?, 'in_job')",
      );
      for (const key of input.keys) {
        const taken = take.get(now, input.stage, key) as { id: number; attempts: number } | undefined;
        if (!taken) throw new JobStateError(`request ${key} was not pending when job ${displayName} was planned`);
        insertAttempt.run(taken.id, taken.attempts, jobId);
      }
      return this.job(jobId);
    });
  }

  job(id: number): JobRow {
    return this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow;
  }

  jobs(filter: { stage?: string; states?: readonly JobState[] } = {}): JobRow[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY id').all() as JobRow[];
    return rows.filter(
      (row) => (!filter.stage || row.stage === filter.stage) && (!filter.states || filter.states.includes(row.state)),
    );
  }

  /** Moves a job to `to` (checked) and sets the given columns. */
  updateJob(
    id: number,
    to: JobState,
    fields: Partial<Pick<JobRow, 'input_file' | 'remote_name' | 'remote_state' | 'succeeded_count' | 'failed_count' |
      'output_file' | 'error' | 'submitted_at' | 'finished_at' | 'collected_at' | 'polls'>> = {},
  ): JobRow {
    const job = this.job(id);
    if (job.state !== to) assertJobTransition(job.display_name, job.state, to);
    const columns = Object.keys(fields);
    const sets = ['state = ?', 'updated_at = ?', ...columns.map((column) => `${column} = ?`)];
    const values = columns.map((column) => fields[column as keyof typeof fields] ?? null);
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(to, this.#clock.now(), ...values, id);
    return this.job(id);
  }

  /** The attempt of `key` in `jobId`, if the key belongs to that job. */
  attemptInJob(jobId: number, stage: string, key: string): (AttemptRow & { key: string; doc_id: string }) | undefined {
    return this.db
      .prepare(
        `SELECT a.*, r.key AS key, r.doc_id AS doc_id FROM attempts a JOIN requests r ON r.id = a.request_id
         WHERE a.job_id = ? AND r.stage = ? AND r.key = ?`,
      )
      .get(jobId, stage, key) as (AttemptRow & { key: string; doc_id: string }) | undefined;
  }

  /** Keys of a job's attempts still waiting for a result. */
  openAttempts(jobId: number): (AttemptRow & { key: string })[] {
    return this.db
      .prepare(
        `SELECT a.*, r.key AS key FROM attempts a JOIN requests r ON r.id = a.request_id
         WHERE a.job_id = ? AND a.state = 'in_job' ORDER BY a.id`,
      )
      .all(jobId) as (AttemptRow & { key: string })[];
  }

  /**
   * Records the outcome of one attempt and moves its request on: valid → valid; otherwise back to pending for a
   * new attempt in a new job, or given up when out of attempts.
   */
  recordResult(attemptId: number, result: ResultRecord): void {
    this.transaction(() => {
      const attempt = this.db.prepare('SELECT * FROM attempts WHERE id = ?').get(attemptId) as AttemptRow;
      if (attempt.state !== 'in_job') return; // already recorded (a re-collection after a crash)
      this.#applyResult(attempt, result);
    });
  }

  /** Replaces the verdict of a request's latest attempt (offline re-validation after the rules changed). */
  reviseResult(attemptId: number, result: ResultRecord): void {
    this.transaction(() => {
      const attempt = this.db.prepare('SELECT * FROM attempts WHERE id = ?').get(attemptId) as AttemptRow;
      this.#applyResult(attempt, { ...result, response: result.response ?? attempt.response ?? '' });
    });
  }

  /** Each request's latest attempt that has a stored response, streamed. */
  *latestResponses(stage: string): Generator<AttemptRow & { key: string; doc_id: string; request_state: RequestRow['state'] }> {
    yield* this.db
      .prepare(
        `SELECT a.*, r.key AS key, r.doc_id AS doc_id, r.state AS request_state FROM requests r
         JOIN attempts a ON a.request_id = r.id AND a.attempt_no = r.attempts
         WHERE r.stage = ? AND r.state != 'in_job' AND a.response IS NOT NULL ORDER BY r.id`,
      )
      .iterate(stage) as Iterable<AttemptRow & { key: string; doc_id: string; request_state: RequestRow['state'] }>;
  }

  #applyResult(attempt: AttemptRow, result: ResultRecord): void {
    const usage = result.usage;
    this.db
      .prepare(
        `UPDATE attempts SET state = ?, reason = ?, issues = ?, response = ?, prompt_tokens = COALESCE(?, prompt_tokens),
           output_tokens = COALESCE(?, output_tokens), thoughts_tokens = COALESCE(?, thoughts_tokens),
           cached_tokens = COALESCE(?, cached_tokens), total_tokens = COALESCE(?, total_tokens),
           model_version = COALESCE(?, model_version), finished_at = COALESCE(finished_at, ?) WHERE id = ?`,
      )
      .run(result.state, result.reason ?? null, result.issues === undefined ? null : JSON.stringify(result.issues),
        result.response ?? null, usage?.promptTokens ?? null, usage?.outputTokens ?? null,
        usage?.thoughtsTokens ?? null, usage?.cachedTokens ?? null, usage?.totalTokens ?? null,
        result.modelVersion ?? null, this.#clock.now(), attempt.id);
    const request = this.db.prepare('SELECT * FROM requests WHERE id = ?').get(attempt.request_id) as RequestRow;
    const now = this.#clock.now();
    if (result.state === 'valid') {
      this.db
        .prepare("UPDATE requests SET state = 'valid', output_path = ?, last_reason = NULL, updated_at = ? WHERE id = ?")
        .run(result.outputPath ?? null, now, request.id);
    } else {
      const next = request.attempts >= request.max_attempts ? 'given_up' : 'pending';
      this.db
        .prepare('UPDATE requests SET state = ?, last_reason = ?, repair_note = ?, output_path = NULL, updated_at = ? WHERE id = ?')
        .run(next, result.reason ?? result.state, result.repairNote ?? null, now, request.id);
    }
  }
}
