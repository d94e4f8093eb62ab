/**
 * @module Uploaded documents (PDFs, images) as ledger records: content-addressed, so one file is uploaded once and
 * reused by every stage, rerun and retry while it lives; an intent is written before each upload; jobs name the
 * uploads they reference, so a file is deleted when nothing needs it any more. `ledger.uploads`.
 */
import type { Clock } from '../shared/index.ts';
import type { Sql } from './sql.ts';

/** Where a document's bytes are. */
export interface DocumentSource {
  contentHash: string;
  /** Absolute path where planning last saw it. */
  path: string;
  mimeType: string;
  sizeBytes: number;
}

/** One upload of a document. */
export interface UploadRow {
  id: number;
  content_hash: string;
  display_name: string;
  state: 'intent' | 'live' | 'dead' | 'deleted';
  remote_name: string | null;
  uri: string | null;
  size_bytes: number;
  expires_at: number | null;
  created_at: number;
  reason: string | null;
}

/** The upload queries, bound to a ledger. */
export interface UploadQueries {
  /** Records where a document's bytes are (planning calls it for each PDF and image). */
  rememberSource(source: DocumentSource): void;
  source(contentHash: string): DocumentSource | undefined;
  /** Whether planning met any PDF or image (without one, no request references a document). */
  hasSources(): boolean;
  /** The newest live upload of `contentHash` that lives at least `minLifeMs` more, if any. */
  liveUpload(contentHash: string, minLifeMs: number): UploadRow | undefined;
  /** Writes the intent to upload (before the upload is sent). */
  beginUpload(contentHash: string, displayName: string, sizeBytes: number): UploadRow;
  /** The upload is stored at the provider. */
  completeUpload(id: number, file: { remoteName: string; uri: string; expiresAt: number | undefined }): UploadRow;
  /** The upload can no longer be used (gone, expired, refused); `deleted` once truebatch deleted it. */
  retire(id: number, state: 'dead' | 'deleted', reason: string): void;
  /** Uploads whose intent has no outcome yet (a crash between upload and record). */
  intents(): UploadRow[];
  /** Records that `jobId` references the uploads. */
  linkJob(jobId: number, uploadIds: readonly number[]): void;
  /** The uploads `jobId` references. */
  ofJob(jobId: number): UploadRow[];
  /**
   * Live uploads that nothing needs: no job that is not collected references them, and no pending or in-job request
   * holds a reference to their content.
   */
  unneeded(): UploadRow[];
  /** Whether a job not yet collected holds a live upload (collecting it will free storage). */
  heldByLiveJobs(): boolean;
  /** Content hashes of a job's uploaded documents whose lines failed because the file was gone (HTTP 403). */
  goneInJob(jobId: number): string[];
  /** Every upload, oldest first (status and tests). */
  all(): UploadRow[];
}

const refLike = (contentHash: string): string => `%truebatch-file:sha256:${contentHash}%`;

/** The upload queries bound to `sql`. */
export function uploadQueries(sql: Sql, clock: Clock): UploadQueries {
  const byId = (id: number): UploadRow => sql('SELECT * FROM uploads WHERE id = ?').get(id) as UploadRow;
  return {
    rememberSource(source) {
      sql(
        `INSERT INTO document_sources (content_hash, path, mime_type, size_bytes) VALUES (?, ?, ?, ?)
         ON CONFLICT (content_hash) DO UPDATE SET path = excluded.path, mime_type = excluded.mime_type`,
      ).run(source.contentHash, source.path, source.mimeType, source.sizeBytes);
    },
    hasSources() {
      return sql('SELECT 1 FROM document_sources LIMIT 1').get() !== undefined;
    },
    source(contentHash) {
      const row = sql('SELECT content_hash, path, mime_type, size_bytes FROM document_sources WHERE content_hash = ?').get(contentHash) as
        | { content_hash: string; path: string; mime_type: string; size_bytes: number }
        | undefined;
      return row && { contentHash: row.content_hash, path: row.path, mimeType: row.mime_type, sizeBytes: row.size_bytes };
    },
    liveUpload(contentHash, minLifeMs) {
      return sql(
        `SELECT * FROM uploads WHERE content_hash = ? AND state = 'live' AND (expires_at IS NULL OR expires_at >= ?)
         ORDER BY id DESC LIMIT 1`,
      ).get(contentHash, clock.now() + minLifeMs) as UploadRow | undefined;
    },
    beginUpload(contentHash, displayName, sizeBytes) {
      const info = sql(
        `INSERT INTO uploads (content_hash, display_name, state, size_bytes, created_at) VALUES (?, ?, 'intent', ?, ?)`,
      ).run(contentHash, displayName, sizeBytes, clock.now());
      return byId(Number(info.lastInsertRowid));
    },
    completeUpload(id, file) {
      sql(`UPDATE uploads SET state = 'live', remote_name = ?, uri = ?, expires_at = ? WHERE id = ?`).run(
        file.remoteName, file.uri, file.expiresAt ?? null, id,
      );
      return byId(id);
    },
    retire(id, state, reason) {
      sql('UPDATE uploads SET state = ?, reason = ? WHERE id = ?').run(state, reason, id);
    },
    intents: () => sql(`SELECT * FROM uploads WHERE state = 'intent' ORDER BY id`).all() as UploadRow[],
    linkJob(jobId, uploadIds) {
      const insert = sql('INSERT OR IGNORE INTO job_uploads (job_id, upload_id) VALUES (?, ?)');
      for (const id of uploadIds) insert.run(jobId, id);
    },
    ofJob: (jobId) =>
      sql('SELECT u.* FROM uploads u JOIN job_uploads j ON j.upload_id = u.id WHERE j.job_id = ? ORDER BY u.id').all(jobId) as UploadRow[],
    unneeded() {
      const live = sql(
        `SELECT * FROM uploads u WHERE state = 'live' AND NOT EXISTS (
           SELECT 1 FROM job_uploads j JOIN jobs ON jobs.id = j.job_id WHERE j.upload_id = u.id AND jobs.state <> 'collected')
         ORDER BY id`,
      ).all() as UploadRow[];
      const needed = sql(
        `SELECT 1 FROM requests r JOIN request_bodies b ON b.request_id = r.id
         WHERE r.state IN ('pending', 'in_job') AND b.json LIKE ? LIMIT 1`,
      );
      return live.filter((upload) => needed.get(refLike(upload.content_hash)) === undefined);
    },
    heldByLiveJobs: () =>
      sql(
        `SELECT 1 FROM job_uploads j JOIN jobs ON jobs.id = j.job_id JOIN uploads u ON u.id = j.upload_id
         WHERE jobs.state <> 'collected' AND u.state = 'live' LIMIT 1`,
      ).get() !== undefined,
    goneInJob(jobId) {
      // A referenced file that is missing, expired or not ours fails its line with 403 PERMISSION_DENIED [spec D.3].
      const failed = sql(
        `SELECT b.json AS request_json FROM attempts a JOIN request_bodies b ON b.request_id = a.request_id
         WHERE a.job_id = ? AND a.state = 'failed' AND a.reason LIKE '%error 403%'`,
      ).all(jobId) as { request_json: string }[];
      const hashes = new Set<string>();
      for (const { request_json: json } of failed) for (const match of json.matchAll(/truebatch-file:sha256:([0-9a-f]{64})/g)) hashes.add(match[1] ?? '');
      return [...hashes];
    },
    all: () => sql('SELECT * FROM uploads ORDER BY id').all() as UploadRow[],
  };
}
