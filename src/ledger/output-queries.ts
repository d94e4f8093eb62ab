/**
 * @module Queries over the outputs of valid requests: which files should exist, at what size, and which stored
 * answer each one holds (so a missing or damaged file is rewritten without asking the provider again).
 */
import type { Clock } from '../shared/index.ts';
import type { Sql } from './sql.ts';
import type { WrittenOutput } from './rows.ts';

/** A valid request's output as the ledger recorded it. */
export interface RecordedOutput {
  requestId: number;
  key: string;
  docId: string;
  path: string;
  /** Null for outputs recorded before sizes were kept: only their presence is checked. */
  bytes: number | null;
}

/** The valid outputs of a stage, streamed in request order. */
export function recordedOutputs(sql: Sql, stage: string): Iterable<RecordedOutput> {
  return sql(
      `SELECT id AS requestId, key, doc_id AS docId, output_path AS path, output_bytes AS bytes FROM requests
       WHERE stage = ? AND state = 'valid' AND output_path IS NOT NULL ORDER BY id`,
    )
    .iterate(stage) as Iterable<RecordedOutput>;
}

/** The stored answer behind a valid request's output: its own valid attempt, or the one it reused. */
export function answerOf(sql: Sql, requestId: number): { response: string; finishedAt: number | null } | undefined {
  return sql(
      `SELECT a.response, a.finished_at AS finishedAt FROM requests r JOIN attempts a
         ON a.id = COALESCE(r.cached_from, (SELECT MAX(id) FROM attempts WHERE request_id = r.id AND state = 'valid'))
       WHERE r.id = ? AND a.response IS NOT NULL`,
    )
    .get(requestId) as { response: string; finishedAt: number | null } | undefined;
}

/** Records that a valid request's output was written (again) at `output`. */
export function recordOutput(sql: Sql, now: number, requestId: number, output: WrittenOutput): void {
  sql('UPDATE requests SET output_path = ?, output_bytes = ?, updated_at = ? WHERE id = ?').run(output.path, output.bytes, now, requestId);
}

/** A stage's recorded outputs, bound to a ledger: `ledger.outputs`. */
export interface OutputQueries {
  /** The valid outputs of a stage as recorded (path and size), streamed. */
  recorded(stage: string): Iterable<RecordedOutput>;
  /** The stored answer a valid request's output was made from. */
  answerOf(requestId: number): { response: string; finishedAt: number | null } | undefined;
  /** Records that a valid request's output was rewritten. */
  record(requestId: number, output: WrittenOutput): void;
}

/** The output queries bound to `sql`, timed by `clock`. */
export function outputQueries(sql: Sql, clock: Clock): OutputQueries {
  return {
    recorded: (stage) => recordedOutputs(sql, stage),
    answerOf: (requestId) => answerOf(sql, requestId),
    record: (requestId, output) => recordOutput(sql, clock.now(), requestId, output),
  };
}
