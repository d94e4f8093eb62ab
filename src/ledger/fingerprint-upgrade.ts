/**
 * @module Recomputing the stored fingerprints of a ledger written before the neutral request model, from the request
 * bodies it holds, so that the same work still matches and nothing is resubmitted. The ledger does not know how to
 * read a body: the caller (the composition root) hands in the provider's rule.
 */
import type { Ledger } from './ledger.ts';

/** The fingerprint format this code writes; a ledger without it in `meta` holds older fingerprints. */
export const FINGERPRINT_FORMAT = 'neutral-request-1';

/** A request as stored, for recomputing its fingerprint. */
export interface StoredRequestBody {
  model: string;
  fingerprint: string;
  requestJson: string;
}

/** What an upgrade did. */
export interface FingerprintUpgrade {
  /** Requests whose fingerprint was recomputed. */
  upgraded: number;
  /** Requests whose body could not be read: their old fingerprint stays, so the next plan sees them as changed. */
  unreadable: number;
}

/**
 * Recomputes every request's fingerprint with `fingerprintOf` (undefined: keep it) and the attempts made with the
 * same old fingerprint, in one transaction, then records {@link FINGERPRINT_FORMAT}; a ledger already in that format
 * is left alone (undefined is returned). An attempt whose old fingerprint no request has any more (its body is gone)
 * keeps it and can no longer be reused, which costs at most a resubmission of work that was changed and changed back.
 */
export function upgradeFingerprints(
  ledger: Ledger,
  fingerprintOf: (stored: StoredRequestBody) => string | undefined,
): FingerprintUpgrade | undefined {
  const { db } = ledger;
  return db.transaction(() => {
    const format = db.prepare("SELECT value FROM meta WHERE key = 'fingerprint_format'").get() as { value: string } | undefined;
    if (format?.value === FINGERPRINT_FORMAT) return undefined;
    const rows = db
      .prepare('SELECT r.id, r.model, r.fingerprint, b.json AS requestJson FROM requests r JOIN request_bodies b ON b.request_id = r.id')
      .all() as (StoredRequestBody & { id: number })[];
    const renamed = new Map<string, string>();
    const setRequest = db.prepare('UPDATE requests SET fingerprint = ? WHERE id = ?');
    let unreadable = 0;
    for (const row of rows) {
      const fingerprint = fingerprintOf(row);
      if (fingerprint === undefined) {
        unreadable++;
        continue;
      }
      setRequest.run(fingerprint, row.id);
      renamed.set(row.fingerprint, fingerprint);
    }
    const setAttempts = db.prepare('UPDATE attempts SET fingerprint = ? WHERE fingerprint = ?');
    for (const [old, fingerprint] of renamed) setAttempts.run(fingerprint, old);
    db.prepare("INSERT INTO meta (key, value) VALUES ('fingerprint_format', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      FINGERPRINT_FORMAT,
    );
    return { upgraded: rows.length - unreadable, unreadable };
  })();
}
