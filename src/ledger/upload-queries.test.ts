import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { openLedger } from './open-ledger.ts';

const HOUR = 3_600_000;
const HASH = 'b'.repeat(64);

function ledgerAt(clock: ManualClock) {
  return openLedger(join(mkdtempSync(join(tmpdir(), 'tb-uploads-')), 'ledger.db'), clock);
}

describe('ledger.uploads', () => {
  it('reuses an upload only while it outlives the wait asked for, by the ledger clock', () => {
    const clock = createManualClock();
    const ledger = ledgerAt(clock);
    const intent = ledger.uploads.beginUpload(HASH, 'tb-x-doc-b-1', 10);
    expect(ledger.uploads.intents().map((row) => row.id)).toEqual([intent.id]);
    expect(ledger.uploads.liveUpload(HASH, 0)).toBeUndefined();
    ledger.uploads.completeUpload(intent.id, { remoteName: 'files/1', uri: 'http://x/files/1', expiresAt: clock.now() + 48 * HOUR });
    expect(ledger.uploads.intents()).toEqual([]);
    expect(ledger.uploads.liveUpload(HASH, 24 * HOUR)?.remote_name).toBe('files/1');
    clock.advance(30 * HOUR);
    // 18 hours left: too little for a job that may wait 24, enough for one that waits 12.
    expect(ledger.uploads.liveUpload(HASH, 24 * HOUR)).toBeUndefined();
    expect(ledger.uploads.liveUpload(HASH, 12 * HOUR)?.remote_name).toBe('files/1');
    ledger.uploads.retire(intent.id, 'dead', 'gone');
    expect(ledger.uploads.liveUpload(HASH, 0)).toBeUndefined();
    ledger.close();
  });

  it('finds uploads nothing needs: no job awaiting results references them and no pending request holds their hash', () => {
    const ledger = ledgerAt(createManualClock());
    const upload = ledger.uploads.beginUpload(HASH, 'tb-x-doc-b-2', 10);
    ledger.uploads.completeUpload(upload.id, { remoteName: 'files/2', uri: 'u', expiresAt: undefined });
    expect(ledger.uploads.unneeded().map((row) => row.id)).toEqual([upload.id]);
    ledger.upsertRequest({
      stage: 's', docId: 'd', key: 'd_s', fingerprint: 'f', model: 'm', maxAttempts: 3,
      requestJson: `{"contents":[{"parts":[{"uri":"truebatch-file:sha256:${HASH}"}]}]}`,
      lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm', generationConfigSha256: 'g', fingerprint: 'f' },
      estimatedInputTokens: 1, estimatedOutputTokens: 1,
    }, undefined);
    expect(ledger.uploads.unneeded()).toEqual([]);
    ledger.close();
  });
});
