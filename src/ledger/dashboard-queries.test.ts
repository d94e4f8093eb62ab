import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError, createManualClock } from '../shared/index.ts';
import { openLedger, openLedgerReadOnly } from './open-ledger.ts';
import { migrations } from './schema.ts';

function ledgerPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'tb-ledger-ro-')), 'ledger.db');
}

describe('openLedgerReadOnly', () => {
  it('refuses a project with no ledger yet, saying what to do', () => {
    expect(() => openLedgerReadOnly(ledgerPath(), createManualClock())).toThrow(/no ledger at .* yet: run `truebatch run`/);
  });

  it('refuses a ledger of an older schema instead of migrating it', () => {
    const path = ledgerPath();
    openLedger(path, createManualClock()).close();
    const db = new Database(path);
    db.pragma(`user_version = ${migrations.length - 1}`);
    db.close();
    expect(() => openLedgerReadOnly(path, createManualClock())).toThrow(ConfigError);
    expect(() => openLedgerReadOnly(path, createManualClock())).toThrow(/older version of truebatch .* run any writing command/);
  });

  it("sees a writer's commits as they happen (WAL), moves data_version, and cannot write", () => {
    const path = ledgerPath();
    const clock = createManualClock();
    const writer = openLedger(path, clock);
    const reader = openLedgerReadOnly(path, clock);
    try {
      const before = reader.dashboard.dataVersion();
      expect(reader.dashboard.dataVersion()).toBe(before);
      writer.upsertRequest({
        stage: 's', docId: 'a', key: 'a', fingerprint: 'f', model: 'm', requestJson: '{}', maxAttempts: 2,
        lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm', generationConfigSha256: 'g', fingerprint: 'f' },
        estimatedInputTokens: 1, estimatedOutputTokens: 1,
      }, undefined);
      expect(reader.dashboard.dataVersion()).not.toBe(before);
      expect(reader.dashboard.requestCounts()).toEqual([{ stage: 's', state: 'pending', n: 1 }]);
      expect(reader.dashboard.firstUnsettledAttempt()).toBe(1);
      expect(() => reader.addEvent('x', 'y')).toThrow(/readonly/i);
    } finally {
      reader.close();
      writer.close();
    }
  });
});
