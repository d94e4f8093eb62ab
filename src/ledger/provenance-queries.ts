/** @module Read-only queries for provenance (`truebatch lineage`): a request found by key in any stage, and its attempt history. */
import type { RequestRow } from './rows.ts';
import type { Sql } from './sql.ts';

/** One attempt of a request, with the job it ran in. */
export interface AttemptHistoryEntry {
  /** The attempt's number (1 for the first). */
  attempt: number;
  state: string;
  /** The job's display name. */
  job: string;
  /** The job's name at the provider, once submitted. */
  remoteJob: string | null;
  reason: string | null;
  /** The uploaded files (PDFs, images) the attempt's line referenced, by their provider names; null when none. */
  documentFiles: string | null;
}

/** The provenance queries over one ledger (`ledger.provenance`). */
export interface ProvenanceQueries {
  /** The first request (by id) with `key`, in any stage. */
  firstRequestWithKey(key: string): RequestRow | undefined;
  /** A request's attempts in order, with their jobs. */
  attemptHistory(requestId: number): AttemptHistoryEntry[];
}

/** The provenance queries over a ledger's statements. */
export function provenanceQueries(sql: Sql): ProvenanceQueries {
  return {
    firstRequestWithKey: (key) => sql('SELECT * FROM requests WHERE key = ? ORDER BY id LIMIT 1').get(key) as RequestRow | undefined,
    attemptHistory: (requestId) =>
      sql(
          `SELECT a.attempt_no AS attempt, a.state, j.display_name AS job, j.remote_name AS remoteJob, a.reason,
             (SELECT group_concat(u.remote_name, ', ') FROM job_uploads ju JOIN uploads u ON u.id = ju.upload_id
              JOIN request_bodies b ON b.request_id = a.request_id
              WHERE ju.job_id = a.job_id AND instr(b.json, 'truebatch-file:sha256:' || u.content_hash) > 0) AS documentFiles
           FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE a.request_id = ? ORDER BY a.attempt_no`,
        )
        .all(requestId) as AttemptHistoryEntry[],
  };
}
