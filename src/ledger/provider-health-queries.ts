/**
 * @module The provider's health as the runs saw it: every retried call (by endpoint and status), and when the
 * provider stopped answering and answered again.
 */
import type { Sql } from './sql.ts';

/** How many calls to one endpoint were retried after one kind of failure. */
export interface RetryCount {
  /** The provider call, e.g. `getJob`, `downloadResults`. */
  endpoint: string;
  /** The HTTP status, or `network` when there was no answer. */
  status: string;
  count: number;
}

/** Where the provider's health stands: since when it has not answered, if it has not. */
export interface ProviderHealthState {
  unhealthySince: number | undefined;
  /** Why the last call failed, when unhealthy. */
  reason: string | undefined;
}

/** The provider-health queries bound to a ledger: `ledger.providerHealth`. */
export interface ProviderHealthQueries {
  recordRetry(at: number, endpoint: string, status: string): void;
  /** Records that no call has succeeded since `since`. */
  recordUnhealthy(since: number, reason: string): void;
  recordRecovered(at: number): void;
  /** Retries at or after `since` (all when unset), by endpoint and status, most first. */
  retryCounts(since?: number): RetryCount[];
  state(): ProviderHealthState;
}

/** The provider-health queries bound to `sql`. */
export function providerHealthQueries(sql: Sql): ProviderHealthQueries {
  return {
    recordRetry(at, endpoint, status) {
      sql('INSERT INTO provider_retries (at, endpoint, status) VALUES (?, ?, ?)').run(at, endpoint, status);
    },
    recordUnhealthy(since, reason) {
      sql('INSERT INTO provider_health (at, healthy, reason) VALUES (?, 0, ?)').run(since, reason);
    },
    recordRecovered(at) {
      sql('INSERT INTO provider_health (at, healthy, reason) VALUES (?, 1, NULL)').run(at);
    },
    retryCounts(since = Number.MIN_SAFE_INTEGER) {
      return sql(
        `SELECT endpoint, status, COUNT(*) AS count FROM provider_retries WHERE at >= ?
         GROUP BY endpoint, status ORDER BY count DESC, endpoint, status`,
      ).all(since) as RetryCount[];
    },
    state() {
      const last = sql('SELECT at, healthy, reason FROM provider_health ORDER BY id DESC LIMIT 1').get() as
        | { at: number; healthy: number; reason: string | null }
        | undefined;
      if (!last || last.healthy === 1) return { unhealthySince: undefined, reason: undefined };
      return { unhealthySince: last.at, reason: last.reason ?? undefined };
    },
  };
}
