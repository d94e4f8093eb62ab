import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../shared/index.ts';
import type { Ledger } from './ledger.ts';
import { openLedger } from './open-ledger.ts';
import { internalsOf } from './internals.ts';
import type { ResultRecord } from './rows.ts';
import { migrations } from './schema.ts';

function freshLedger(): Ledger {
  return openLedger(join(mkdtempSync(join(tmpdir(), 'tb-outcomes-')), 'ledger.db'), createManualClock());
}

function addRequests(ledger: Ledger, keys: readonly string[], maxAttempts = 3): void {
  for (const key of keys) {
    ledger.upsertRequest({
      stage: 's', docId: key, key, fingerprint: `fp-${key}`, model: 'gemini-2.5-flash', requestJson: '{}', maxAttempts,
      lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm',
        generationConfigSha256: 'g', fingerprint: `fp-${key}` },
      estimatedInputTokens: 10, estimatedOutputTokens: 20,
    }, ledger.requestStatus('s', key));
  }
}

/** Plans a job of `results`' keys and records each result; returns the job id. */
function runJob(ledger: Ledger, results: Record<string, ResultRecord | undefined>): number {
  const job = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'gemini-2.5-flash', inputPath: '/in', sizeBytes: 1, keys: Object.keys(results) });
  for (const [key, result] of Object.entries(results)) {
    const attempt = ledger.attemptInJob(job.id, 's', key);
    if (attempt && result) ledger.recordResult(attempt.id, result);
  }
  return job.id;
}

const usage = { promptTokens: 100, outputTokens: 50, thoughtsTokens: 5, cachedTokens: 0, totalTokens: 155 };

describe('outcome queries', () => {
  it('count repairs and broken rules by kind and field, array positions as *, each attempt once per field', () => {
    const ledger = freshLedger();
    addRequests(ledger, ['a', 'b', 'c']);
    const alias = { severity: 'warning', code: 'alias', path: '/findings', message: '/key_findings: renamed to findings' } as const;
    const broken = (code: 'required' | 'schema', path: string) => ({ severity: 'error', code, path, message: `${path}: broken` }) as const;
    runJob(ledger, {
      a: { state: 'valid', repairs: ['alias'], issues: [alias], usage },
      b: { state: 'invalid', reason: 'invalid', failureKind: 'schema', repairs: ['alias'], usage,
        issues: [alias, broken('schema', '/findings/0/value'), broken('schema', '/findings/2/value'), broken('required', '/conclusions')] },
      c: { state: 'invalid', reason: 'invalid', failureKind: 'required', usage, issues: [broken('required', '/conclusions')] },
    });
    expect(ledger.outcomes.fieldCounts('s')).toEqual([
      { kind: 'alias', field: '/findings', attempts: 2 },
      { kind: 'required', field: '/conclusions', attempts: 2 },
      { kind: 'schema', field: '/findings/*/value', attempts: 1 },
    ]);
    expect(ledger.outcomes.fieldCounts('other-stage')).toEqual([]);
  });

  it('count failures by kind with how many were resubmitted, repairs by kind, and each job\'s lines by verdict', () => {
    const ledger = freshLedger();
    addRequests(ledger, ['a', 'b', 'c', 'd', 'e']);
    const first = runJob(ledger, {
      a: { state: 'valid', repairs: ['alias', 'fence'], usage },
      b: { state: 'failed', reason: 'truncated: cut', failureKind: 'truncated', usage },
      c: { state: 'failed', reason: 'provider-error: 500', failureKind: 'provider-error' },
      d: { state: 'invalid', reason: 'invalid: /x: is required', failureKind: 'required', repairs: ['prose'], usage },
      e: { state: 'failed', reason: 'missing from the results file', failureKind: 'missing-key' },
    });
    const second = runJob(ledger, { b: { state: 'valid', repairs: ['fence'], usage }, c: { state: 'valid' }, d: undefined });

    expect(ledger.outcomes.failureCounts('s')).toEqual([
      { kind: 'missing-key', attempts: 1, resubmitted: 0 },
      { kind: 'provider-error', attempts: 1, resubmitted: 1 },
      { kind: 'required', attempts: 1, resubmitted: 1 },
      { kind: 'truncated', attempts: 1, resubmitted: 1 },
    ]);
    expect(ledger.outcomes.repairCounts('s')).toEqual([
      { kind: 'alias', attempts: 1 },
      { kind: 'fence', attempts: 2 },
      { kind: 'prose', attempts: 1 },
    ]);
    const lines = ledger.outcomes.jobLineCounts();
    expect(lines.get(first)).toEqual({ valid: 1, rejected: 2, providerFailed: 1, missing: 1, open: 0 });
    expect(lines.get(second)).toEqual({ valid: 2, rejected: 0, providerFailed: 0, missing: 0, open: 1 });
    expect([...ledger.outcomes.stageUsage('s')]).toHaveLength(4);
    expect(ledger.outcomes.failureCounts('other-stage')).toEqual([]);
  });

  it('migration 4 fills failure kinds and repairs of attempts recorded before it from their stored reasons and issues', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tb-outcomes-')), 'ledger.db');
    const old = new Database(path);
    for (const migration of migrations.slice(0, 3)) old.exec(migration);
    old.pragma('user_version = 3');
    old.exec(`INSERT INTO jobs (id, stage, display_name, state, model, input_path, request_count, size_bytes, created_at, updated_at)
      VALUES (1, 's', 'p-1', 'collected', 'm', '/in', 8, 1, 0, 0)`);
    const warning = (code: string, message: string) => ({ severity: 'warning', code, path: '', message });
    const error = (code: string, message: string) => ({ severity: 'error', code, path: '/x', message });
    // As the code before migration 4 wrote them (verdicts.ts and collect-jobs.ts).
    const rows: [string, string, string | null, unknown[] | null][] = [
      ['valid', 'valid', null, [warning('extraction', 'removed code fence (json)'), warning('extraction', 'removed 30 characters of prose after the JSON'),
        warning('alias', '/key_findings: renamed to quantitative_findings')]],
      ['valid2', 'valid', null, []],
      ['truncated', 'failed', 'truncated: the response hit MAX_TOKENS: the JSON is truncated', null],
      ['error', 'failed', 'provider-error: provider error 500: Internal error encountered.', null],
      ['invalid', 'invalid', 'invalid: /x: must be integer', [warning('extraction', 'removed unclosed code fence'), error('schema', '/x: must be integer'),
        error('required', '/y: is required but missing')]],
      ['missing', 'failed', 'missing from the results file', null],
      ['expired', 'failed', 'job expired before this request was processed', null],
      ['odd', 'failed', 'something else', null],
    ];
    rows.forEach(([key, state, reason, issues], index) => {
      old.prepare(`INSERT INTO requests (id, stage, doc_id, key, fingerprint, model, state, attempts, max_attempts, updated_at)
        VALUES (?, 's', ?, ?, 'fp', 'm', ?, 1, 1, 0)`).run(index + 1, key, key, state === 'valid' ? 'valid' : 'given_up');
      old.prepare(`INSERT INTO attempts (request_id, attempt_no, job_id, fingerprint, state, reason, issues) VALUES (?, 1, 1, 'fp', ?, ?, ?)`)
        .run(index + 1, state, reason, issues === null ? null : JSON.stringify(issues));
    });
    old.close();

    const ledger = openLedger(path, createManualClock());
    expect(internalsOf(ledger).db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const migrated = internalsOf(ledger).db.prepare('SELECT r.key, a.failure_kind, a.repairs FROM attempts a JOIN requests r ON r.id = a.request_id ORDER BY a.id').all();
    expect(migrated).toEqual([
      { key: 'valid', failure_kind: null, repairs: '["alias","fence","prose"]' },
      { key: 'valid2', failure_kind: null, repairs: null },
      { key: 'truncated', failure_kind: 'truncated', repairs: null },
      { key: 'error', failure_kind: 'provider-error', repairs: null },
      { key: 'invalid', failure_kind: 'schema', repairs: '["fence"]' },
      { key: 'missing', failure_kind: 'missing-key', repairs: null },
      { key: 'expired', failure_kind: 'job-expired', repairs: null },
      { key: 'odd', failure_kind: 'other', repairs: null },
    ]);
    // Nothing moved back to pending: the migration changes no request.
    expect(ledger.requestCounts('s')).toEqual({ pending: 0, in_job: 0, valid: 2, given_up: 6 });
    expect(ledger.outcomes.jobLineCounts().get(1)).toEqual({ valid: 2, rejected: 3, providerFailed: 1, missing: 2, open: 0 });
  });
});
