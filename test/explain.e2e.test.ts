/**
 * End to end: a run that explains itself. The real CLI on the soil-k example (its own embedded emulator and scripted
 * faults: renamed fields, fenced, prose-wrapped and truncated JSON) must say where the outputs are, what they cost
 * against the interactive price, what was repaired and why attempts were resubmitted; `jobs` must tell rejected
 * answers from provider-failed lines; the report must count documents and requests apart. Every count is checked
 * exactly, and against the ledger's own stored issue and reason texts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './support/cli.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { copySoilK, makeProject, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });
/** Each CLI call starts tsx; with the rest of the suite on two cores a few of them take a while. */
const SLOW = 120_000;

interface StageJson {
  stage: string;
  outputDir: string;
  valid: number;
  cost: { kind: string; batchUsd: number; standardUsd: number; savingUsd: number };
  repairs: { kind: string; attempts: number }[];
  failures: { kind: string; attempts: number; resubmitted: number }[];
}

interface JobJson {
  display_name: string;
  stage: string;
  request_count: number;
  succeeded_count: number;
  failed_count: number;
  lines: { valid: number; rejected: number; providerFailed: number; missing: number; open: number };
}

/** Stage answers whose stored issues say what the extractor and the alias renamer did, counted from their texts. */
function repairsFromIssueTexts(project: string, stage: string): Record<string, number> {
  const count = (pattern: string): number =>
    queryLedger<{ n: number }>(project, `SELECT COUNT(*) AS n FROM attempts a JOIN requests r ON r.id = a.request_id
      WHERE r.stage = ? AND a.issues LIKE ?`, stage, pattern)[0]?.n ?? 0;
  return { alias: count('%renamed to%'), fence: count('%removed code fence%'), prose: count('%characters of prose%') };
}

const EXPECTED_STAGES = [
  {
    stage: 'stage_1a',
    repairs: [{ kind: 'alias', attempts: 4 }, { kind: 'fence', attempts: 1 }, { kind: 'prose', attempts: 2 }],
    failures: [{ kind: 'truncated', attempts: 3, resubmitted: 3 }],
  },
  {
    stage: 'stage_2a',
    repairs: [{ kind: 'fence', attempts: 2 }, { kind: 'prose', attempts: 1 }],
    failures: [{ kind: 'truncated', attempts: 1, resubmitted: 1 }],
  },
];

describe('a run that explains itself: the soil-k example (end to end)', () => {
  let project: string;
  let run: CliResult;
  /** How many jobs the first run made: stage_2a's jobs are cut from whatever is ready, so their number varies. */
  let jobsOfFirstRun = 0;
  beforeAll(async () => {
    project = copySoilK();
    // The example's own faults and seed; only its embedded emulator's jobs and the polling are quicker.
    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('jobDurationMs: 1500', 'jobDurationMs: 200')
      .replace('initialIntervalMs: 500', 'initialIntervalMs: 50').replace('maxIntervalMs: 5000', 'maxIntervalMs: 200'));
    run = await runCli(['run', '--project', project, '--json']);
    jobsOfFirstRun = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM jobs')[0]?.n ?? 0;
  }, SLOW);

  it('run --json: output folders, cost against the interactive price, repairs by kind and retries by reason', () => {
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { stages: StageJson[]; cost: StageJson['cost'] };
    expect(summary.stages).toMatchObject(EXPECTED_STAGES.map((stage) => ({ ...stage, outputDir: join(project, 'outputs', stage.stage), valid: 24 })));
    for (const stage of summary.stages) {
      // The counts agree with what the stored answers' issue texts say was done to them.
      const fromTexts = repairsFromIssueTexts(project, stage.stage);
      for (const repair of stage.repairs) expect(repair.attempts).toBe(fromTexts[repair.kind]);
      const truncated = queryLedger<{ n: number }>(project, `SELECT COUNT(*) AS n FROM attempts a JOIN requests r ON r.id = a.request_id
        WHERE r.stage = ? AND a.reason LIKE 'truncated:%'`, stage.stage)[0]?.n;
      expect(stage.failures[0]?.attempts).toBe(truncated);
      // Batch is half the interactive price for this model (no cache hits).
      expect(stage.cost.kind).toBe('priced');
      expect(stage.cost.standardUsd).toBeCloseTo(2 * stage.cost.batchUsd, 12);
      expect(stage.cost.savingUsd).toBeCloseTo(stage.cost.batchUsd, 12);
    }
    const actualUsd = queryLedger<{ usd: number }>(project, 'SELECT SUM(actual_usd) AS usd FROM jobs')[0]?.usd ?? 0;
    expect(summary.stages.reduce((sum, stage) => sum + stage.cost.batchUsd, 0)).toBeCloseTo(actualUsd, 12);
    expect(summary.cost.kind).toBe('priced');
    expect(summary.cost.batchUsd).toBeCloseTo(actualUsd, 12);
    expect(summary.cost.standardUsd).toBeCloseTo(2 * actualUsd, 12);
  });

  it('run and status print the same explanation as text (a second run submits nothing)', async () => {
    const again = await runCli(['run', '--project', project]);
    expect(again.code).toBe(0);
    expect(queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM jobs')[0]?.n).toBe(jobsOfFirstRun);
    const outputs = join(project, 'outputs');
    expect(again.stdout).toContain(`stage_1a: 24 valid output(s) in ${join(outputs, 'stage_1a')}\n` +
      '  cost: $0.028 at the batch price, $0.0559 for the same tokens at the interactive price: saved $0.028 (50%)\n' +
      '  repaired answers: 4 alias renamed, 1 code fence stripped, 2 prose around JSON stripped\n' +
      '  resubmitted after: 3 truncated (max tokens)\n' +
      '  by field: alias renamed /quantitative_findings ×4\n' +
      `stage_2a: 24 valid output(s) in ${join(outputs, 'stage_2a')}\n` +
      '  cost: $0.015 at the batch price, $0.0301 for the same tokens at the interactive price: saved $0.015 (50%)\n' +
      '  repaired answers: 2 code fence stripped, 1 prose around JSON stripped\n' +
      '  resubmitted after: 1 truncated (max tokens)\n' +
      'Total cost: $0.043 at the batch price, $0.086 for the same tokens at the interactive price: saved $0.043 (50%)');
    const status = await runCli(['status', '--project', project, '--json']);
    expect((JSON.parse(status.stdout) as { stages: StageJson[] }).stages).toMatchObject(EXPECTED_STAGES);
  }, SLOW);

  it('jobs: the first stage_1a job\'s three truncated answers are rejected answers, not provider failures', async () => {
    const jobs = (JSON.parse((await runCli(['jobs', '--project', project, '--json'])).stdout) as { jobs: JobJson[] }).jobs;
    const counts = (job: JobJson): number[] => [job.request_count, job.lines.valid, job.lines.rejected, job.lines.providerFailed, job.lines.missing];
    const stage1 = jobs.filter((job) => job.stage === 'stage_1a');
    expect(stage1.map(counts)).toEqual([[24, 21, 3, 0, 0], [3, 3, 0, 0, 0]]);
    // stage_2a's jobs are cut from whatever upstream outputs are ready, so only their sum is fixed: 24 requests and
    // the retry of the one truncated answer.
    const stage2 = jobs.filter((job) => job.stage === 'stage_2a').map(counts);
    expect(stage2.reduce((sum, row) => sum.map((value, i) => value + (row[i] ?? 0)), [0, 0, 0, 0, 0])).toEqual([25, 24, 1, 0, 0]);
    expect(jobs[0]).toMatchObject({ succeeded_count: 24, failed_count: 0 });
    const jobsText = (await runCli(['jobs', '--project', project])).stdout;
    expect(jobsText).toMatch(/^job +stage +state +remote +requests +valid +answers rejected +provider failed +missing +polls +error$/m);
    expect(jobsText).toMatch(/^\S+-stage_1a-1 +stage_1a +collected +\S+ +24 +21 +3 +0 +0 +\d+$/m);
  }, SLOW);

  it('report: 24 documents as 48 requests; repairs and failure reasons; no bare "None" beside failed attempts', async () => {
    const report = JSON.parse((await runCli(['report', '--project', project, '--json'])).stdout) as {
      stages: { documents: number }[];
      total: { documents: number; requests: { total: number }; attempts: { failed: number; invalid: number };
        repairs: { kind: string; answers: number }[]; failureReasons: { kind: string; attempts: number; resubmitted: number }[] };
    };
    expect(report.stages.map((stage) => stage.documents)).toEqual([24, 24]);
    expect(report.total).toMatchObject({ documents: 24, requests: { total: 48 }, attempts: { failed: 4, invalid: 0 } });
    expect(report.total.repairs).toMatchObject([{ kind: 'alias', answers: 4 }, { kind: 'fence', answers: 3 }, { kind: 'prose', answers: 3 }]);
    expect(report.total.failureReasons).toMatchObject([{ kind: 'truncated', attempts: 4, resubmitted: 4 }]);
    const markdown = (await runCli(['report', '--project', project])).stdout;
    expect(markdown).toContain('- **Documents:** 24, as 48 requests in 2 stages — 48 valid (100%)');
    expect(markdown).toContain('| stage_1a | alias renamed | 4 |');
    expect(markdown).toContain('| stage_2a | truncated (max tokens) | 1 | 1 |');
    expect(markdown).toContain('## Top validation problems\n\nNone: no answer broke a validation rule. The 4 failed attempt(s) ' +
      'failed for other reasons (4 truncated (max tokens)): see Why attempts failed.');
  }, SLOW);

  it('a schema-3 ledger (the new columns dropped again) migrates on open, recovers the same counts, and submits nothing', async () => {
    const db = new Database(join(project, '.truebatch', 'ledger.db'));
    // Every migration after the fourth (tables of their own) is applied again on open, ending where it was.
    const current = db.pragma('user_version', { simple: true }) as number;
    db.exec('ALTER TABLE attempts DROP COLUMN failure_kind; ALTER TABLE attempts DROP COLUMN repairs; ALTER TABLE jobs DROP COLUMN counts_reported; ALTER TABLE jobs DROP COLUMN provider; PRAGMA user_version = 3');
    for (const table of ['audit_calls', 'audits', 'provider_retries', 'provider_health', 'cache_jobs', 'caches', 'job_uploads', 'uploads', 'document_sources']) db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.close();
    const migrated = await runCli(['run', '--project', project, '--json']);
    expect(migrated.code).toBe(0);
    expect((JSON.parse(migrated.stdout) as { stages: StageJson[] }).stages).toMatchObject(EXPECTED_STAGES);
    expect(queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM jobs')[0]?.n).toBe(jobsOfFirstRun);
    expect(queryLedger<{ user_version: number }>(project, 'PRAGMA user_version')).toEqual([{ user_version: current }]);
  }, SLOW);
});

describe('a run that explains itself: provider-failed lines and rejected answers (end to end)', () => {
  it('jobs tells provider-failed lines from rejected answers, and the report lists both reasons', async () => {
    const project = makeProject({ count: 6 });
    const { server, env } = await emulator({
      faults: { lines: { errorRate: 0.3, malformedRate: 0.6, malformedKinds: ['truncated'], maxSubmissionsPerKey: 1 } },
    });
    const run = await runCli(['run', '--project', project, '--json'], env);
    expect(run.code).toBe(0);
    const errors = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM attempts WHERE reason LIKE 'provider-error:%'")[0]?.n ?? 0;
    const truncated = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM attempts WHERE reason LIKE 'truncated:%'")[0]?.n ?? 0;
    expect([errors, truncated]).toEqual([3, 2]);
    const [stage] = (JSON.parse(run.stdout) as { stages: StageJson[] }).stages;
    expect(stage?.failures).toEqual([
      { kind: 'provider-error', attempts: 3, resubmitted: 3 },
      { kind: 'truncated', attempts: 2, resubmitted: 2 },
    ]);
    const jobs = (JSON.parse((await runCli(['jobs', '--project', project, '--json'], env)).stdout) as { jobs: JobJson[] }).jobs;
    expect(jobs[0]).toMatchObject({ request_count: 6, lines: { valid: 1, rejected: 2, providerFailed: 3, missing: 0, open: 0 } });
    // The provider counted the error lines as failed, and the truncated answers as succeeded.
    expect(jobs[0]).toMatchObject({ failed_count: 3, succeeded_count: 3 });
    expect(server.stats().batchesCreated).toBe(2);
    const markdown = (await runCli(['report', '--project', project], env)).stdout;
    expect(markdown).toContain('| extract | provider error on the line | 3 | 3 |');
    expect(markdown).toContain('| extract | truncated (max tokens) | 2 | 2 |');
    expect(markdown).toContain('None: no answer broke a validation rule. The 5 failed attempt(s) failed for other reasons ' +
      '(3 provider error on the line, 2 truncated (max tokens))');
  }, SLOW);
});
