/**
 * @module Explicit context caches in the ledger (`ledger.caches`): the intent (display name) recorded before the
 * provider creates one, its name and expiry once created, the jobs that reference it, and its deletion.
 */
import type { Clock } from '../shared/index.ts';
import type { Sql } from './sql.ts';

/** One explicit cache as the ledger knows it. */
export interface CacheRow {
  id: number;
  stage: string;
  model: string;
  display_name: string;
  state: 'creating' | 'created' | 'deleted';
  remote_name: string | null;
  expires_at: number | null;
  created_at: number;
  deleted_at: number | null;
}

/** A cache with the states of the jobs that reference it. */
export interface CacheWithJobs extends CacheRow {
  /** The referencing jobs' states (empty: no job was recorded, e.g. a crash before the job was). */
  jobStates: string[];
}

/** The cache queries bound to a ledger: `ledger.caches`. */
export interface CacheQueries {
  /** Records the intent to create a cache under `displayName` (before asking the provider). */
  recordIntent(cache: { stage: string; model: string; displayName: string }): CacheRow;
  /** Records that the provider created it. */
  markCreated(id: number, remoteName: string, expiresAt: number): CacheRow;
  /** Records a new expiry after an extension. */
  markExtended(id: number, expiresAt: number): void;
  /** Records that it is gone at the provider (deleted, or found expired). */
  markDeleted(id: number): void;
  /** Records that `jobId` references the cache. */
  attachJob(id: number, jobId: number): void;
  /** Every cache not yet deleted, with its jobs' states, oldest first. */
  live(): CacheWithJobs[];
  /** The cache a job references, if any. */
  ofJob(jobId: number): CacheRow | undefined;
  /** Caches created so far (any state), e.g. for tests and reports. */
  all(): CacheRow[];
}

/** The cache queries bound to `sql`. */
export function cacheQueries(sql: Sql, clock: Clock): CacheQueries {
  const byId = (id: number): CacheRow => sql('SELECT * FROM caches WHERE id = ?').get(id) as CacheRow;
  return {
    recordIntent({ stage, model, displayName }) {
      const result = sql("INSERT INTO caches (stage, model, display_name, state, created_at) VALUES (?, ?, ?, 'creating', ?)")
        .run(stage, model, displayName, clock.now());
      return byId(Number(result.lastInsertRowid));
    },
    markCreated(id, remoteName, expiresAt) {
      sql("UPDATE caches SET state = 'created', remote_name = ?, expires_at = ? WHERE id = ?").run(remoteName, expiresAt, id);
      return byId(id);
    },
    markExtended(id, expiresAt) {
      sql('UPDATE caches SET expires_at = ? WHERE id = ?').run(expiresAt, id);
    },
    markDeleted(id) {
      sql("UPDATE caches SET state = 'deleted', deleted_at = ? WHERE id = ?").run(clock.now(), id);
    },
    attachJob(id, jobId) {
      sql('INSERT OR IGNORE INTO cache_jobs (cache_id, job_id) VALUES (?, ?)').run(id, jobId);
    },
    live() {
      const rows = sql(
        `SELECT c.*, (SELECT json_group_array(j.state) FROM cache_jobs cj JOIN jobs j ON j.id = cj.job_id WHERE cj.cache_id = c.id)
           AS job_states FROM caches c WHERE c.state != 'deleted' ORDER BY c.id`,
      ).all() as (CacheRow & { job_states: string })[];
      return rows.map(({ job_states, ...row }) => ({ ...row, jobStates: JSON.parse(job_states) as string[] }));
    },
    ofJob(jobId) {
      return sql('SELECT c.* FROM caches c JOIN cache_jobs cj ON cj.cache_id = c.id WHERE cj.job_id = ?').get(jobId) as CacheRow | undefined;
    },
    all() {
      return sql('SELECT * FROM caches ORDER BY id').all() as CacheRow[];
    },
  };
}
