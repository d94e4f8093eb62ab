import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualClock, InputError } from '../shared/index.ts';
import Database from 'better-sqlite3';
import type { RequestInput } from './ledger.ts';
import { internalsOf } from './internals.ts';
import { openLedger } from './open-ledger.ts';
import { migrations } from './schema.ts';
import { TAKE_JOB_REQUESTS } from './job-queries.ts';

function freshLedger() {
  const dir = mkdtempSync(join(tmpdir(), 'tb-ledger-'));
  return { ledger: openLedger(join(dir, 'ledger.db'), createManualClock()), path: join(dir, 'ledger.db') };
}

function requestInput(key: string, fingerprint = `fp-${key}`, maxAttempts = 2): RequestInput {
  return {
    stage: 's', docId: key, key, fingerprint, model: 'm', requestJson: '{}', maxAttempts,
    lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model: 'm', generationConfigSha256: 'g', fingerprint },
    estimatedInputTokens: 10, estimatedOutputTokens: 20,
  };
}

function addRequest(ledger: ReturnType<typeof freshLedger>['ledger'], key: string, fingerprint = `fp-${key}`, maxAttempts = 2) {
  return ledger.upsertRequest(requestInput(key, fingerprint, maxAttempts), ledger.requestStatus('s', key));
}

describe('ledger', () => {
  it('records a request once, and restarts it only when its fingerprint changes', () => {
    const { ledger } = freshLedger();
    expect(addRequest(ledger, 'a')).toBe('new');
    expect(addRequest(ledger, 'a')).toBe('unchanged');
    expect(addRequest(ledger, 'a', 'fp-other')).toBe('changed');
    expect(ledger.requestCounts('s').pending).toBe(1);
  });

  it('assigns requests to exactly one job as their next attempt, and refuses a request already in a job', () => {
    const { ledger } = freshLedger();
    addRequest(ledger, 'a');
    addRequest(ledger, 'b');
    const job = ledger.createJob({ stage: 's', displayNamePrefix: 'tb-x-s', model: 'm', inputPath: '/in', sizeBytes: 10, keys: ['a', 'b'] });
    expect(job.display_name).toBe(`tb-x-s-${job.id}`);
    expect(job.state).toBe('planned');
    expect(ledger.requestCounts('s').in_job).toBe(2);
    expect(addRequest(ledger, 'a', 'fp-new')).toBe('busy');
    expect(() =>
      ledger.createJob({ stage: 's', displayNamePrefix: 'tb-x-s', model: 'm', inputPath: '/in', sizeBytes: 10, keys: ['a'] }),
    ).toThrow(/request a was not pending when job tb-x-s-\d+ was planned/);
    expect(ledger.jobs()).toHaveLength(1); // the failed createJob rolled back
  });

  it('numbers attempts per request across jobs, in the order of the job, and takes nothing from a refused job', () => {
    const { ledger } = freshLedger();
    for (const key of ['a', 'b', 'c']) addRequest(ledger, key, `fp-${key}`, 3);
    const plan = (keys: string[]) => ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys });
    const first = plan(['c', 'a', 'b']);
    const attemptsOf = (jobId: number) =>
      internalsOf(ledger).db.prepare('SELECT r.key, a.attempt_no, a.fingerprint FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.job_id = ? ORDER BY a.id').all(jobId);
    expect(attemptsOf(first.id)).toEqual([
      { key: 'c', attempt_no: 1, fingerprint: 'fp-c' },
      { key: 'a', attempt_no: 1, fingerprint: 'fp-a' },
      { key: 'b', attempt_no: 1, fingerprint: 'fp-b' },
    ]);
    const open = internalsOf(ledger).db.prepare('SELECT id FROM attempts WHERE job_id = ? ORDER BY id').all(first.id) as { id: number }[];
    ledger.recordResult(open[1]!.id, { state: 'failed', reason: 'x' });
    expect(() => plan(['a', 'zz'])).toThrow(/request zz was not pending/);
    expect(() => plan(['a', 'a'])).toThrow(/lists a request more than once/);
    expect(ledger.requestCounts('s')).toMatchObject({ pending: 1, in_job: 2 });
    const second = plan(['a']);
    expect(attemptsOf(second.id)).toEqual([{ key: 'a', attempt_no: 2, fingerprint: 'fp-a' }]);
    expect(ledger.jobs()).toHaveLength(2);
  });

  it('withdraws a job never created: its requests pending again with the attempt undone, its links gone; a created one never', () => {
    const { ledger } = freshLedger();
    for (const key of ['a', 'b']) addRequest(ledger, key);
    const plan = () => ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a', 'b'] });
    const job = plan();
    const upload = ledger.uploads.beginUpload('c'.repeat(64), 'tb-x-doc-c-1', 10);
    ledger.uploads.linkJob(job.id, [upload.id]);
    ledger.updateJob(job.id, 'uploading');
    ledger.updateJob(job.id, 'uploaded', { input_file: 'files/in' });
    ledger.withdrawJob(job.id);
    expect(ledger.jobs()).toEqual([]);
    expect(ledger.uploads.ofJob(job.id)).toEqual([]);
    expect(['a', 'b'].map((key) => [ledger.requestByKey('s', key)?.state, ledger.requestByKey('s', key)?.attempts])).toEqual([['pending', 0], ['pending', 0]]);
    // Cut again, each request's attempt is its first once more.
    const again = plan();
    const attemptNumbers = internalsOf(ledger).db.prepare('SELECT attempt_no FROM attempts WHERE job_id = ?').all(again.id);
    expect(attemptNumbers).toEqual([{ attempt_no: 1 }, { attempt_no: 1 }]);
    for (const to of ['uploading', 'uploaded', 'creating'] as const) ledger.updateJob(again.id, to);
    expect(() => ledger.withdrawJob(again.id)).toThrow(/is creating: only a job never created can be withdrawn/);
    expect(ledger.requestCounts('s').in_job).toBe(2);
  });

  it('checks job transitions', () => {
    const { ledger } = freshLedger();
    addRequest(ledger, 'a');
    const job = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    expect(() => ledger.updateJob(job.id, 'submitted')).toThrow(/illegal state change planned → submitted/);
    ledger.updateJob(job.id, 'uploading');
    ledger.updateJob(job.id, 'uploaded', { input_file: 'files/x' });
    ledger.updateJob(job.id, 'creating');
    const submitted = ledger.updateJob(job.id, 'submitted', { remote_name: 'batches/1' });
    expect(submitted.remote_name).toBe('batches/1');
    expect(submitted.input_file).toBe('files/x');
  });

  it('moves a failed request back to pending with its repair note, then gives it up when out of attempts', () => {
    const { ledger } = freshLedger();
    addRequest(ledger, 'a', 'fp', 2);
    const first = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    const attempt1 = ledger.attemptInJob(first.id, 's', 'a');
    expect(attempt1?.attemptNo).toBe(1);
    ledger.recordResult(attempt1?.id ?? 0, { state: 'invalid', reason: 'missing title', repairNote: 'add a title' });
    expect(ledger.requestByKey('s', 'a')).toMatchObject({ state: 'pending', repair_note: 'add a title', attempts: 1 });
    // Recording the same attempt again (a re-collection after a crash) changes nothing.
    ledger.recordResult(attempt1?.id ?? 0, { state: 'valid' });
    expect(ledger.requestByKey('s', 'a')?.state).toBe('pending');
    const second = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    const attempt2 = ledger.attemptInJob(second.id, 's', 'a');
    expect(attempt2?.attemptNo).toBe(2);
    ledger.recordResult(attempt2?.id ?? 0, { state: 'failed', reason: 'provider-error: 500' });
    expect(ledger.requestByKey('s', 'a')).toMatchObject({ state: 'given_up', last_reason: 'provider-error: 500' });
    expect(ledger.givenUpRequests('s').map((r) => r.key)).toEqual(['a']);
  });

  it('finds a reusable valid attempt by fingerprint, and marks a pending request as served from it', () => {
    const { ledger } = freshLedger();
    addRequest(ledger, 'a', 'same');
    const job = ledger.createJob({ stage: 's', displayNamePrefix: 'p', model: 'm', inputPath: '/in', sizeBytes: 1, keys: ['a'] });
    const attempt = ledger.attemptInJob(job.id, 's', 'a');
    expect(ledger.reusableAttempt('same')).toBeUndefined(); // not valid yet
    ledger.recordResult(attempt?.id ?? 0, { state: 'valid', response: '{"raw":{}}', output: { path: '/out/a.json', bytes: 7 } });
    expect(ledger.reusableAttempt('same')?.id).toBe(attempt?.id);
    addRequest(ledger, 'b', 'same');
    ledger.markCached('s', 'b', attempt?.id ?? 0, { path: '/out/b.json', bytes: 9 });
    expect(ledger.requestByKey('s', 'b')).toMatchObject({ state: 'valid', cached_from: attempt?.id, output_path: '/out/b.json', output_bytes: 9 });
    expect(ledger.requestByOutput('/out/b.json')?.key).toBe('b');
    // Both outputs are recorded with their sizes, and each leads back to the same stored answer.
    const outputs = [...ledger.outputs.recorded('s')];
    expect(outputs.map(({ key, path, bytes }) => ({ key, path, bytes }))).toEqual([
      { key: 'a', path: '/out/a.json', bytes: 7 },
      { key: 'b', path: '/out/b.json', bytes: 9 },
    ]);
    for (const output of outputs) expect(ledger.outputs.answerOf(output.requestId)?.response).toBe('{"raw":{}}');
    ledger.outputs.record(outputs[1]?.requestId ?? 0, { path: '/out/b.json', bytes: 11 });
    expect(ledger.requestByKey('s', 'b')?.output_bytes).toBe(11);
  });

  it('keeps request bodies in their own table, written once, and hands them to sharding', () => {
    const { ledger } = freshLedger();
    ledger.upsertRequest({ ...requestInput('a', 'fp-1'), requestJson: '{"v":1}' }, ledger.requestStatus('s', 'a'));
    expect([...ledger.pendingRequests('s')].map((row) => row.request_json)).toEqual(['{"v":1}']);
    ledger.upsertRequest({ ...requestInput('a', 'fp-2'), requestJson: '{"v":2}' }, ledger.requestStatus('s', 'a'));
    expect([...ledger.pendingRequests('s')].map((row) => row.request_json)).toEqual(['{"v":2}']);
    expect(internalsOf(ledger).db.prepare('SELECT COUNT(*) AS n FROM request_bodies').get()).toEqual({ n: 1 });
    expect(Object.keys(ledger.requestByKey('s', 'a') ?? {})).not.toContain('request_json');
  });

  it('migrates a first-version ledger: request bodies move to their own table and nothing is lost', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-ledger-'));
    const path = join(dir, 'ledger.db');
    const old = new Database(path);
    old.exec(migrations[0] ?? '');
    old.pragma('user_version = 1');
    old.prepare(
      `INSERT INTO requests (stage, doc_id, key, fingerprint, model, request_json, state, max_attempts, updated_at)
       VALUES ('s', 'd', 'k', 'fp', 'm', '{"old":true}', 'pending', 3, 0)`,
    ).run();
    old.close();
    const ledger = openLedger(path, createManualClock());
    expect(internalsOf(ledger).db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect([...ledger.pendingRequests('s')]).toMatchObject([{ key: 'k', request_json: '{"old":true}' }]);
    expect(ledger.requestByKey('s', 'k')).toMatchObject({ output_bytes: null });
    const indexes = internalsOf(ledger).db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'").all();
    expect(indexes).not.toContainEqual({ name: 'requests_fingerprint' });
    expect(indexes).toContainEqual({ name: 'requests_state' });
    expect(internalsOf(ledger).db.pragma('index_info(attempts_fingerprint)')).toMatchObject([{ name: 'fingerprint' }]);
    const plan = internalsOf(ledger).db.prepare("EXPLAIN QUERY PLAN SELECT * FROM attempts WHERE fingerprint = 'f' AND state = 'valid' ORDER BY id DESC LIMIT 1").all();
    expect(JSON.stringify(plan)).toContain('USING INDEX attempts_fingerprint');
  });

  it("takes a job's requests by looking up its keys, never by walking the stage (which made 100k documents quadratic)", () => {
    const { ledger } = freshLedger();
    for (let i = 0; i < 50; i++) addRequest(ledger, `k${i}`);
    const plans = Object.entries(TAKE_JOB_REQUESTS).map(([name, text]) => {
      const args = name === 'take' ? [1, '["k1"]', 's'] : name === 'addAttempts' ? [1, '["k1"]', 's'] : ['["k1"]', 's'];
      const steps = internalsOf(ledger).db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args) as { detail: string }[];
      return `${name}: ${steps.map((step) => step.detail).join(' | ')}`;
    });
    expect(plans).toHaveLength(3);
    for (const plan of plans) {
      expect(plan).toMatch(/SCAN k VIRTUAL TABLE/);
      expect(plan).not.toMatch(/requests_state|SCAN r\b|SCAN requests/);
    }
  });

  it('commits durably on request (synchronous FULL), then goes back to NORMAL, even when the work throws', () => {
    const { ledger } = freshLedger();
    const seen = ledger.durably(() => internalsOf(ledger).db.pragma('synchronous', { simple: true }));
    expect(seen).toBe(2); // FULL
    expect(() => ledger.durably(() => { throw new InputError('x', 'fails'); })).toThrow('fails');
    expect(internalsOf(ledger).db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('keeps its data across reopen and keeps a stable project id', () => {
    const { ledger, path } = freshLedger();
    addRequest(ledger, 'a');
    const id = ledger.projectId(() => 'abc12345');
    ledger.close();
    const again = openLedger(path, createManualClock());
    expect(again.projectId(() => 'other')).toBe(id);
    expect(again.requestByKey('s', 'a')?.fingerprint).toBe('fp-a');
  });
});
