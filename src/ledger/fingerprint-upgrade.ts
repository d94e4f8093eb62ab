/**
 * @module Bringing a ledger written before the neutral request model up to date: its fingerprints are recomputed from
 * the request bodies it holds (so the same work still matches and nothing is resubmitted), and its stored responses
 * are rewritten as neutral results (so stored answers are still judged and reused). The ledger does not know how to
 * read a provider's body or response: the caller (the composition root) hands in the provider's rules.
 */
import { internalsOf } from './internals.ts';
import type { Ledger } from './ledger.ts';

/** The fingerprint format this code writes; a ledger without it in `meta` holds older fingerprints. */
export const FINGERPRINT_FORMAT = 'neutral-request-1';

/** A request as stored, for recomputing its fingerprint. */
export interface StoredRequestBody {
  model: string;
  fingerprint: string;
  requestJson: string;
}

/** How to read what an older ledger stored. */
export interface LegacyRules {
  /** Today's fingerprint of a stored request; undefined keeps the old one. */
  fingerprintOf(stored: StoredRequestBody): string | undefined;
  /** A stored response (the JSON of a result or of an error) in today's shape; undefined keeps it as it is. */
  responseOf(storedJson: string): string | undefined;
}

/** What an upgrade did. */
export interface FingerprintUpgrade {
  /** Requests whose fingerprint was recomputed. */
  upgraded: number;
  /** Requests whose body could not be read: their old fingerprint stays, so the next plan sees them as changed. */
  unreadable: number;
  /** Stored responses rewritten. */
  responses: number;
}

/**
 * Recomputes every request's fingerprint with `rules.fingerprintOf` (undefined: keep it) and the attempts made with
 * the same old fingerprint, rewrites stored responses with `rules.responseOf`, all in one transaction, then records
 * {@link FINGERPRINT_FORMAT}; a ledger already in that format is left alone (undefined is returned). An attempt whose old fingerprint no request has any more (its body is gone)
 * keeps it and can no longer be reused, which costs at most a resubmission of work that was changed and changed back.
 */
export function upgradeLegacyLedger(
  ledger: Ledger,
  rules: LegacyRules,
): FingerprintUpgrade | undefined {
  const { db } = internalsOf(ledger);
  const formatOf = (): string | undefined =>
    (db.prepare("SELECT value FROM meta WHERE key = 'fingerprint_format'").get() as { value: string } | undefined)?.value;
  // Read first: commands that only read must not contend for the write lock once the ledger is upgraded.
  if (formatOf() === FINGERPRINT_FORMAT) return undefined;
  // IMMEDIATE takes the write lock up front, so several commands opening a ledger at once wait their turn (busy
  // timeout) instead of failing with "database is locked" when a read lock cannot be upgraded; the next one in then
  // finds the ledger upgraded.
  return db.transaction(() => {
    if (formatOf() === FINGERPRINT_FORMAT) return undefined;
    const rows = db
      .prepare('SELECT r.id, r.model, r.fingerprint, b.json AS requestJson FROM requests r JOIN request_bodies b ON b.request_id = r.id')
      .all() as (StoredRequestBody & { id: number })[];
    const renamed = new Map<string, string>();
    const setRequest = db.prepare('UPDATE requests SET fingerprint = ? WHERE id = ?');
    let unreadable = 0;
    for (const row of rows) {
      const fingerprint = rules.fingerprintOf(row);
      if (fingerprint === undefined) {
        unreadable++;
        continue;
      }
      setRequest.run(fingerprint, row.id);
      renamed.set(row.fingerprint, fingerprint);
    }
    const setAttempts = db.prepare('UPDATE attempts SET fingerprint = ? WHERE fingerprint = ?');
    for (const [old, fingerprint] of renamed) setAttempts.run(fingerprint, old);
    const setResponse = db.prepare('UPDATE attempts SET response = ? WHERE id = ?');
    let responses = 0;
    for (const attempt of db.prepare('SELECT id, response FROM attempts WHERE response IS NOT NULL').all() as { id: number; response: string }[]) {
      const rewritten = rules.responseOf(attempt.response);
      if (rewritten === undefined || rewritten === attempt.response) continue;
      setResponse.run(rewritten, attempt.id);
      responses++;
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('fingerprint_format', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      FINGERPRINT_FORMAT,
    );
    return { upgraded: rows.length - unreadable, unreadable, responses };
  }).immediate();
}
