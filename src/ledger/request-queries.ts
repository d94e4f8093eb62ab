/** @module The request queries that carry rules: when a request is new, unchanged, changed or busy. */
import type { Sql } from './sql.ts';
import type { AttemptRow, Lineage, PendingRequest, RequestRow, ResultRecord, WrittenOutput } from './rows.ts';

/** What `upsertRequest` did. */
export type UpsertOutcome = 'new' | 'unchanged' | 'changed' | 'busy';

/** A rendered request as planning records it. */
export interface RequestInput {
  stage: string;
  docId: string;
  key: string;
  fingerprint: string;
  model: string;
  requestJson: string;
  maxAttempts: number;
  lineage: Lineage;
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
}

/** The few columns that decide what planning does with a request (and its output, which a change supersedes). */
export type RequestStatus = Pick<RequestRow, 'id' | 'fingerprint' | 'state' | 'attempts' | 'max_attempts' | 'output_path'>;

/** The status of the request for (stage, key), if there is one. */
export function requestStatus(sql: Sql, stage: string, key: string): RequestStatus | undefined {
  return sql('SELECT id, fingerprint, state, attempts, max_attempts, output_path FROM requests WHERE stage = ? AND key = ?')
    .get(stage, key) as RequestStatus | undefined;
}

/** What recording a request does: the outcome, and the state the request is left in. */
export interface UpsertDecision {
  outcome: UpsertOutcome;
  state: RequestRow['state'];
}

/**
 * What recording a request with `fingerprint` and `maxAttempts` does, given its current status. The one rule for
 * both `upsertRequest` (which carries it out) and `truebatch plan` (which only reports it): a request left
 * `pending` is what the run submits.
 */
export function upsertDecision(existing: RequestStatus | undefined, fingerprint: string, maxAttempts: number): UpsertDecision {
  if (!existing) return { outcome: 'new', state: 'pending' };
  if (existing.fingerprint === fingerprint) {
    // A raised maxAttempts revives given-up requests that now have attempts left.
    const revived = existing.state === 'given_up' && existing.attempts < maxAttempts;
    return { outcome: 'unchanged', state: revived ? 'pending' : existing.state };
  }
  return existing.state === 'in_job' ? { outcome: 'busy', state: 'in_job' } : { outcome: 'changed', state: 'pending' };
}

/** Inserts or updates the request for (stage, key), whose status was just read as `existing`. */
export function upsertRequest(sql: Sql, now: number, input: RequestInput, existing: RequestStatus | undefined): UpsertOutcome {
  const { outcome, state } = upsertDecision(existing, input.fingerprint, input.maxAttempts);
  const lineage = JSON.stringify(input.lineage);
  if (outcome === 'busy') return outcome;
  if (!existing) {
    const { lastInsertRowid } = sql(
      `INSERT INTO requests (stage, doc_id, key, fingerprint, model, state, attempts, max_attempts, lineage,
         estimated_input_tokens, estimated_output_tokens, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
    ).run(input.stage, input.docId, input.key, input.fingerprint, input.model, input.maxAttempts,
      lineage, input.estimatedInputTokens, input.estimatedOutputTokens, now);
    sql('INSERT INTO request_bodies (request_id, json) VALUES (?, ?)').run(lastInsertRowid, input.requestJson);
    return outcome;
  }
  if (outcome === 'unchanged') {
    if (existing.max_attempts !== input.maxAttempts || existing.state !== state) {
      sql('UPDATE requests SET max_attempts = ?, state = ?, updated_at = ? WHERE id = ?').run(input.maxAttempts, state, now, existing.id);
    }
    return outcome;
  }
  sql(
    `UPDATE requests SET fingerprint = ?, model = ?, doc_id = ?, state = 'pending', attempts = 0, max_attempts = ?,
       repair_note = NULL, last_reason = NULL, output_path = NULL, output_bytes = NULL, cached_from = NULL, lineage = ?,
       estimated_input_tokens = ?, estimated_output_tokens = ?, updated_at = ? WHERE id = ?`,
  ).run(input.fingerprint, input.model, input.docId, input.maxAttempts, lineage,
    input.estimatedInputTokens, input.estimatedOutputTokens, now, existing.id);
  sql('UPDATE request_bodies SET json = ? WHERE request_id = ?').run(input.requestJson, existing.id);
  return outcome;
}

/** Requests of a stage by state. */
export function requestCounts(sql: Sql, stage: string): Record<RequestRow['state'], number> {
  const counts = { pending: 0, in_job: 0, valid: 0, given_up: 0 };
  const rows = sql('SELECT state, COUNT(*) AS n FROM requests WHERE stage = ? GROUP BY state').all(stage) as {
    state: RequestRow['state'];
    n: number;
  }[];
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/** Records an attempt's outcome and moves its request on (valid, back to pending, or given up). */
export function applyResult(sql: Sql, now: number, attempt: Pick<AttemptRow, 'id' | 'request_id'>, result: ResultRecord): void {
  const usage = result.usage;
  sql(
      `UPDATE attempts SET state = ?, reason = ?, issues = ?, response = ?, prompt_tokens = COALESCE(?, prompt_tokens),
         output_tokens = COALESCE(?, output_tokens), thoughts_tokens = COALESCE(?, thoughts_tokens),
         cached_tokens = COALESCE(?, cached_tokens), total_tokens = COALESCE(?, total_tokens),
         model_version = COALESCE(?, model_version), finished_at = COALESCE(finished_at, ?), failure_kind = ?, repairs = ?
       WHERE id = ?`,
    )
    .run(result.state, result.reason ?? null, result.issues === undefined ? null : JSON.stringify(result.issues),
      result.response ?? null, usage?.promptTokens ?? null, usage?.outputTokens ?? null,
      usage?.thoughtsTokens ?? null, usage?.cachedTokens ?? null, usage?.totalTokens ?? null,
      result.modelVersion ?? null, now, result.state === 'valid' ? null : (result.failureKind ?? 'other'),
      result.repairs === undefined || result.repairs.length === 0 ? null : JSON.stringify(result.repairs), attempt.id);
  if (result.state === 'valid') {
    sql("UPDATE requests SET state = 'valid', output_path = ?, output_bytes = ?, last_reason = NULL, updated_at = ? WHERE id = ?")
      .run(result.output?.path ?? null, result.output?.bytes ?? null, now, attempt.request_id);
  } else {
    const request = sql('SELECT id, attempts, max_attempts FROM requests WHERE id = ?').get(attempt.request_id) as
      Pick<RequestRow, 'id' | 'attempts' | 'max_attempts'>;
    const next = request.attempts >= request.max_attempts ? 'given_up' : 'pending';
    sql('UPDATE requests SET state = ?, last_reason = ?, repair_note = ?, output_path = NULL, output_bytes = NULL, updated_at = ? WHERE id = ?')
      .run(next, result.reason ?? result.state, result.repairNote ?? null, now, request.id);
  }
}

/** A stage's pending requests with their bodies, in a stable order, streamed. */
export function pendingRequests(sql: Sql, stage: string): Iterable<PendingRequest> {
  return sql(
      `SELECT r.id, r.key, r.repair_note, b.json AS request_json FROM requests r JOIN request_bodies b ON b.request_id = r.id
       WHERE r.stage = ? AND r.state = 'pending' ORDER BY r.id`,
    )
    .iterate(stage) as Iterable<PendingRequest>;
}

/** Marks a pending request valid with the output reused from an earlier attempt (no submission). */
export function markCached(sql: Sql, now: number, cached: { stage: string; key: string; attemptId: number; output: WrittenOutput }): void {
  sql(
      `UPDATE requests SET state = 'valid', cached_from = ?, output_path = ?, output_bytes = ?, last_reason = NULL,
         updated_at = ? WHERE stage = ? AND key = ? AND state = 'pending'`,
    )
    .run(cached.attemptId, cached.output.path, cached.output.bytes, now, cached.stage, cached.key);
}

/** Keys of the `count` largest pending requests of a stage (by estimated input tokens). */
export function largestPendingKeys(sql: Sql, stage: string, count: number): string[] {
  const rows = sql("SELECT key FROM requests WHERE stage = ? AND state = 'pending' ORDER BY estimated_input_tokens DESC, id LIMIT ?")
    .all(stage, count) as { key: string }[];
  return rows.map((row) => row.key);
}

/**
 * How many requests of a stage are pending, and the oldest one's last change (ms; undefined when none is). Read from
 * the (stage, state) index, so it costs what is pending: counting every state of a million requests took 0.2–0.7 s.
 */
export function pendingOf(sql: Sql, stage: string): { count: number; oldestSince: number | undefined } {
  const row = sql("SELECT COUNT(*) AS count, MIN(updated_at) AS at FROM requests WHERE stage = ? AND state = 'pending'").get(stage) as { count: number; at: number | null };
  return { count: row.count, oldestSince: row.at ?? undefined };
}

/** A request a run may submit, with its body (as `pendingRequests` gives it), its state and its token estimates. */
export type SubmittableRequest = PendingRequest & Pick<RequestRow, 'state' | 'estimated_input_tokens' | 'estimated_output_tokens'>;

/** A stage's pending and given-up requests with their bodies, streamed: what `truebatch plan` lays its decisions over. */
export function submittableRequests(sql: Sql, stage: string): Iterable<SubmittableRequest> {
  return sql(
      `SELECT r.id, r.key, r.repair_note, r.state, r.estimated_input_tokens, r.estimated_output_tokens, b.json AS request_json
       FROM requests r JOIN request_bodies b ON b.request_id = r.id WHERE r.stage = ? AND r.state IN ('pending', 'given_up') ORDER BY r.id`,
    )
    .iterate(stage) as Iterable<SubmittableRequest>;
}

/** The keys of a stage's requests in `state`. */
export function requestKeys(sql: Sql, stage: string, state: RequestRow['state']): string[] {
  const rows = sql('SELECT key FROM requests WHERE stage = ? AND state = ? ORDER BY id').all(stage, state) as { key: string }[];
  return rows.map((row) => row.key);
}
