import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import { openLedger, type Ledger } from './index.ts';

function ledgerWith(keys: readonly string[], stage = 's'): Ledger {
  const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'tb-provenance-')), 'ledger.db'), createManualClock());
  for (const key of keys) {
    const fingerprint = `fp-${stage}-${key}`;
    ledger.upsertRequest({
      stage, docId: key, key, fingerprint, model: 'm', requestJson: '{}', maxAttempts: 2,
      lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm',
        generationConfigSha256: 'g', fingerprint },
      estimatedInputTokens: 1, estimatedOutputTokens: 1,
    }, ledger.requestStatus(stage, key));
  }
  return ledger;
}

// Through the public surface only (index.ts), as code outside src/ledger/ reads it.
describe('provenance and given-up queries', () => {
  it('finds the first request with a key in any stage, and lists its attempts with their jobs, in camelCase', () => {
    const ledger = ledgerWith(['a']);
    ledger.upsertRequest({
      stage: 't', docId: 'a', key: 'a', fingerprint: 'fp-t-a', model: 'm', requestJson: '{}', maxAttempts: 2,
      lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm',
        generationConfigSha256: 'g', fingerprint: 'fp-t-a' },
      estimatedInputTokens: 1, estimatedOutputTokens: 1,
    }, undefined);
    expect(ledger.provenance.firstRequestWithKey('a')?.stage).toBe('s');
    expect(ledger.provenance.firstRequestWithKey('nope')).toBeUndefined();

    const request = ledger.requestByKey('s', 'a');
    const first = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    ledger.recordResult(ledger.attemptInJob(first.id, 's', 'a')?.id ?? 0, { state: 'invalid', reason: 'no title' });
    const second = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    expect(ledger.provenance.attemptHistory(request?.id ?? 0)).toEqual([
      { attempt: 1, state: 'invalid', job: first.display_name, remoteJob: null, reason: 'no title', documentFiles: null },
      { attempt: 2, state: 'in_job', job: second.display_name, remoteJob: null, reason: null, documentFiles: null },
    ]);
  });

  it('lists a stage\'s given-up requests by key with their last reason, "unknown" when none was kept', () => {
    // b's reason is cleared below, as in a ledger written before reasons were kept.
    const ledger = ledgerWith(['b', 'a']);
    for (const round of [1, 2]) {
      const job = ledger.createJob({ stage: 's', displayNamePrefix: `p${round}`, model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a', 'b'] });
      ledger.recordResult(ledger.attemptInJob(job.id, 's', 'a')?.id ?? 0, { state: 'failed', reason: `provider-error: 50${round}` });
      ledger.recordResult(ledger.attemptInJob(job.id, 's', 'b')?.id ?? 0, { state: 'failed' });
    }
    const db = new Database(ledger.path);
    db.prepare("UPDATE requests SET last_reason = NULL WHERE key = 'b'").run();
    db.close();
    expect(ledger.outcomes.givenUpRequests('s')).toEqual([
      { key: 'a', attempts: 2, reason: 'provider-error: 502' },
      { key: 'b', attempts: 2, reason: 'unknown' },
    ]);
    expect(ledger.outcomes.givenUpRequests('other')).toEqual([]);
  });
});
