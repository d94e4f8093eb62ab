/** @module Upgrading the fixture ledger written before the neutral request model, with the Gemini rules, in process. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, upgradeLegacyLedger, type Ledger } from '../../ledger/index.ts';
import { fingerprintRequest } from '../../requests/index.ts';
import { systemClock } from '../../shared/index.ts';
import { GEMINI_LEGACY_RULES } from './gemini-legacy-ledger.ts';
import { decodeGeminiRequest } from './gemini-request.ts';

const FIXTURE = new URL('../../../test/fixtures/pre-neutral-ledger/ledger.db.gz', import.meta.url);
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function fixtureLedger(): Ledger {
  dir = mkdtempSync(join(tmpdir(), 'truebatch-legacy-'));
  const path = join(dir, 'ledger.db');
  writeFileSync(path, gunzipSync(readFileSync(FIXTURE)));
  return openLedger(path, systemClock);
}

/** Runs `work` on a connection of its own to the ledger's file (the ledger keeps its SQL to itself). */
function withFile<T>(ledger: Ledger, work: (db: Database.Database) => T): T {
  const db = new Database(ledger.path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

type Row = { id: number; model: string; fingerprint: string; json: string };
const rows = (ledger: Ledger): Row[] =>
  withFile(ledger, (db) => db.prepare('SELECT r.id, r.model, r.fingerprint, b.json FROM requests r JOIN request_bodies b ON b.request_id = r.id ORDER BY r.id').all() as Row[]);

describe('upgrading a ledger written before the neutral request model', () => {
  it('recomputes each fingerprint over the neutral request, rewrites responses, and does it once', () => {
    const ledger = fixtureLedger();
    try {
      const before = rows(ledger);
      expect(upgradeLegacyLedger(ledger, GEMINI_LEGACY_RULES)).toEqual({ upgraded: 8, unreadable: 0, responses: 9 });
      const after = rows(ledger);
      after.forEach((row, index) => {
        expect(row.json).toBe(before[index]?.json);
        expect(row.fingerprint).toBe(fingerprintRequest({ provider: 'gemini', model: row.model, request: decodeGeminiRequest(row.json) }));
      });
      expect(upgradeLegacyLedger(ledger, GEMINI_LEGACY_RULES)).toBeUndefined();
      expect(rows(ledger)).toEqual(after);
    } finally {
      ledger.close();
    }
  });

  it('keeps the old fingerprint of a body it cannot read (the next plan resubmits that one request)', () => {
    const ledger = fixtureLedger();
    try {
      const [first] = rows(ledger);
      withFile(ledger, (db) => db.prepare('UPDATE request_bodies SET json = ? WHERE request_id = ?').run('{"contents":[],"labels":{}}', first?.id));
      expect(upgradeLegacyLedger(ledger, GEMINI_LEGACY_RULES)).toMatchObject({ upgraded: 7, unreadable: 1 });
      expect(rows(ledger)[0]?.fingerprint).toBe(first?.fingerprint);
    } finally {
      ledger.close();
    }
  });
});
