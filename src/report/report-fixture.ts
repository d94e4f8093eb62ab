/**
 * @module Test support for the report: a two-stage project on disk and a small, realistic ledger history written
 * through the real Ledger methods (retries, a given-up request, invalid attempts with issues, a job still running).
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger, type Ledger, type ResultRecord } from '../ledger/index.ts';
import type { TokenUsage } from '../providers/index.ts';
import { createManualClock, type ManualClock } from '../shared/index.ts';

/** Writes a project with stages `extract` (gemini-2.5-flash) and `summarise` (gemini-2.5-pro); returns its folder. */
export function writeReportProject(extraYaml = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-report-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'a.json'), '{"title":"A"}');
  writeFileSync(join(dir, 'prompt.md'), 'Extract the findings as JSON.\n\n{{document}}\n');
  writeFileSync(
    join(dir, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      extraYaml,
      'stages:',
      '  - name: extract',
      '    input: { dir: docs }',
      '    prompt: { file: prompt.md }',
      '    maxAttempts: 2',
      '  - name: summarise',
      '    model: gemini-2.5-pro',
      '    input: { dir: docs }',
      '    prompt: { file: prompt.md }',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Opens (creating) the project's ledger where the CLI looks for it, on a manual clock. */
export function openFixtureLedger(projectDir: string): { ledger: Ledger; clock: ManualClock } {
  const clock = createManualClock(Date.parse('2026-03-01T09:00:00Z'));
  return { ledger: openLedger(join(projectDir, '.truebatch', 'ledger.db'), clock), clock };
}

/** Token usage with the total filled in. */
export function usage(prompt: number, output: number, thoughts = 0, cached = 0): TokenUsage {
  return { promptTokens: prompt, outputTokens: output, thoughtsTokens: thoughts, cachedTokens: cached, totalTokens: prompt + output + thoughts };
}

const issue = (message: string, severity: 'error' | 'warning' = 'error') => ({ severity, code: severity === 'warning' ? 'alias' : 'schema', path: message.split(':')[0], message });

/** What {@link recordHistory} recorded, for the tests to check against. */
export const HISTORY = {
  extractAttempts: {
    a1: usage(1000, 200, 50),
    b1: usage(1200, 300),
    c1: usage(800, 100),
    b2: usage(1300, 250, 0, 400),
    c2: usage(800, 120),
  },
  summariseAttempts: { s1: usage(5000, 1000, 500), s2: usage(4000, 800) },
  /** Estimated input/output tokens of every extract request; summarise has none. */
  extractEstimate: { input: 1000, output: 250 },
  /** submitted → finished of the extract jobs that finished, and of the summarise job. */
  extractDurationsMs: [60_000, 120_000],
  summariseDurationsMs: [30_000],
} as const;

/** Records a pending request; `estimates` undefined leaves the ledger's estimate columns empty (an older ledger). */
export function addRequest(
  ledger: Ledger,
  request: { stage: string; key: string; model: string; maxAttempts: number; docId?: string },
  estimates?: { input: number; output: number },
): void {
  const { stage, key, model, maxAttempts } = request;
  const fingerprint = `fp-${key}`;
  ledger.upsertRequest({
    stage, docId: request.docId ?? key, key, fingerprint, model, requestJson: '{}', maxAttempts,
    lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model,
      generationConfigSha256: 'g', fingerprint },
    estimatedInputTokens: estimates?.input ?? 0,
    estimatedOutputTokens: estimates?.output ?? 0,
  }, ledger.requestStatus(stage, key));
  if (estimates === undefined) {
    // A request planned before estimates were kept: no ledger method writes that, so a second connection does.
    const db = new Database(ledger.path);
    try {
      db.prepare('UPDATE requests SET estimated_input_tokens = NULL, estimated_output_tokens = NULL WHERE stage = ? AND key = ?')
        .run(stage, key);
    } finally {
      db.close();
    }
  }
}

function runJob(
  ledger: Ledger,
  clock: ManualClock,
  stage: string,
  model: string,
  results: Record<string, ResultRecord | undefined>,
  timing: { submitAfterMs: number; runMs: number | undefined },
): void {
  const keys = Object.keys(results);
  const job = ledger.createJob({ stage, displayNamePrefix: `tb-fixture-${stage}`, model, inputPath: `/in/${stage}.jsonl`, sizeBytes: 100, keys });
  ledger.updateJob(job.id, 'uploading');
  ledger.updateJob(job.id, 'uploaded', { input_file: `files/${job.id}` });
  ledger.updateJob(job.id, 'creating');
  clock.advance(timing.submitAfterMs);
  ledger.updateJob(job.id, 'submitted', { remote_name: `batches/${job.id}`, submitted_at: clock.now() });
  if (timing.runMs === undefined) {
    ledger.updateJob(job.id, 'running', { remote_state: 'JOB_STATE_RUNNING' });
    return;
  }
  clock.advance(timing.runMs);
  ledger.updateJob(job.id, 'succeeded', { remote_state: 'JOB_STATE_SUCCEEDED', finished_at: clock.now() });
  for (const [key, result] of Object.entries(results)) {
    const attempt = ledger.attemptInJob(job.id, stage, key);
    if (attempt !== undefined && result !== undefined) ledger.recordResult(attempt.id, result);
  }
  clock.advance(5_000);
  ledger.updateJob(job.id, 'collected', { collected_at: clock.now() });
}

/**
 * Records: extract (flash, maxAttempts 2) has a..f. Job 1: a valid (its fence stripped); b (an alias renamed) and c
 * invalid (issues); d a provider error without usage. Job 2: b valid (with cache hits); c invalid again, so given up;
 * d valid without usage. Job 3: e, still running. f pending. summarise (pro, no estimates): s1 and s2, of documents
 * a and b, valid in one job (s1 with prose stripped).
 */
export function recordHistory(ledger: Ledger, clock: ManualClock): void {
  const flash = 'gemini-2.5-flash';
  const pro = 'gemini-2.5-pro';
  const { extractAttempts: x, summariseAttempts: s } = HISTORY;
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) addRequest(ledger, { stage: 'extract', key, model: flash, maxAttempts: 2 }, HISTORY.extractEstimate);
  runJob(ledger, clock, 'extract', flash, {
    a: { state: 'valid', usage: x.a1, response: '{}', repairs: ['fence'] },
    b: { state: 'invalid', reason: '2 validation errors', failureKind: 'schema', repairs: ['alias'], usage: x.b1, response: '{}', issues: [
      issue('/quantitative_findings/3/value: must be number, got "12 mg"'),
      issue('/year: must be integer, got "2019"'),
      issue('/key_findings: renamed to quantitative_findings', 'warning'),
    ] },
    c: { state: 'invalid', reason: '1 validation error', failureKind: 'schema', usage: x.c1, response: '{}', issues: [
      issue('/quantitative_findings/0/value: must be number, got "about 5"'),
    ] },
    d: { state: 'failed', reason: 'provider error 500: internal', failureKind: 'provider-error' },
  }, { submitAfterMs: 1_000, runMs: HISTORY.extractDurationsMs[0] });
  runJob(ledger, clock, 'extract', flash, {
    b: { state: 'valid', usage: x.b2, response: '{}' },
    c: { state: 'invalid', reason: 'schema mismatch', failureKind: 'schema', usage: x.c2, response: '{}', issues: [
      issue('/quantitative_findings/1/value: must be number, got "n/a"'),
      issue('/year: must be integer, got 2019.5'),
    ] },
    d: { state: 'valid', response: '{}' },
  }, { submitAfterMs: 2_000, runMs: HISTORY.extractDurationsMs[1] });
  runJob(ledger, clock, 'extract', flash, { e: undefined }, { submitAfterMs: 1_000, runMs: undefined });
  for (const [key, docId] of [['s1', 'a'], ['s2', 'b']] as const) addRequest(ledger, { stage: 'summarise', key, docId, model: pro, maxAttempts: 3 });
  runJob(ledger, clock, 'summarise', pro, {
    s1: { state: 'valid', usage: s.s1, response: '{}', repairs: ['prose'] },
    s2: { state: 'valid', usage: s.s2, response: '{}' },
  }, { submitAfterMs: 3_000, runMs: HISTORY.summariseDurationsMs[0] });
}

/** A project on disk with the history recorded; the ledger is closed again. */
export function projectWithHistory(extraYaml = ''): string {
  const dir = writeReportProject(extraYaml);
  const { ledger, clock } = openFixtureLedger(dir);
  try {
    recordHistory(ledger, clock);
  } finally {
    ledger.close();
  }
  return dir;
}
