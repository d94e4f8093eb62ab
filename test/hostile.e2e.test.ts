/**
 * Hostile input and hostile conditions end to end: a generated corpus with every kind of bad document runs to
 * completion (good documents valid, bad ones reported with their reason, nothing written outside the output
 * folders), invalid configs are refused with the path and the expected form, and provider-side endings (a failed
 * job, a cancel that comes after the job finished) lose no finished result.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type EmulatorStats, type RunningEmulator } from '../src/emulator/index.ts';
import { runCli, type CliResult } from './support/cli.ts';
import { diffTrees, makeHostileProject, snapshotTree, type HostileProject } from './support/hostile-corpus.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const KEY = 'hostile-test-key';
const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options: EmulatorOptions = {}) {
  const server = await startEmulator({ apiKey: KEY, jobDurationMs: 150, pendingMs: 50, ...options });
  running.push(server);
  return { server, env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url } };
}

interface Issue {
  stage: string;
  path: string;
  kind?: string;
  reason: string;
}

describe('a hostile corpus runs to completion', () => {
  let hostile: HostileProject;
  let server: RunningEmulator;
  let before: Map<string, string>;
  let plan: CliResult;
  let callsAfterPlan: EmulatorStats['endpointCalls'];
  let run: CliResult;
  let statsAfterRun: EmulatorStats;
  let statusText: CliResult;
  let statusJson: CliResult;
  let again: CliResult;

  beforeAll(async () => {
    hostile = makeHostileProject();
    server = await startEmulator({ apiKey: KEY, jobDurationMs: 150, pendingMs: 50 });
    const env = { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url };
    before = snapshotTree(hostile.root);
    plan = await runCli(['plan', '--project', hostile.project, '--json'], env);
    callsAfterPlan = server.stats().endpointCalls;
    run = await runCli(['run', '--project', hostile.project], env);
    statsAfterRun = server.stats();
    statusText = await runCli(['status', '--project', hostile.project], env);
    statusJson = await runCli(['status', '--project', hostile.project, '--json'], env);
    again = await runCli(['run', '--project', hostile.project], env);
  }, 90_000);
  afterAll(async () => {
    await server.close();
  });

  it('plan refuses the too-large document with its size, and contacts no provider', () => {
    expect(plan.stderr).not.toContain('unexpected error');
    expect(plan.code).toBe(7); // some documents cannot become requests
    expect(Object.values(callsAfterPlan).every((n) => n === 0)).toBe(true);
    const preview = JSON.parse(plan.stdout) as { invalid: Issue[]; excluded: Issue[] };
    const huge = preview.invalid.find((issue) => issue.stage === 'extract' && issue.path === 'huge.json');
    expect(huge?.reason).toMatch(/^too large: about \d+ input tokens, over maxInputTokens 2000 \(\d+ bytes\); not sent$/);
    for (const expected of hostile.issues) {
      const listed = expected.kind === 'invalid' ? preview.invalid : preview.excluded;
      expect(listed, `${expected.stage} ${expected.path}`).toContainEqual(
        expect.objectContaining({ stage: expected.stage, path: expected.path, reason: expect.stringMatching(expected.reason) }),
      );
    }
  });

  it('every good document is valid with an output, each request sent once, bad ones never sent', () => {
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(7); // done, but some documents could not become requests
    const allValid = Object.values(hostile.validKeys).flat().sort();
    expect(Object.keys(statsAfterRun.submissionsByKey).sort()).toEqual(allValid);
    expect(Object.values(statsAfterRun.submissionsByKey).every((n) => n === 1)).toBe(true);
    for (const key of hostile.tooLargeKeys) expect(statsAfterRun.submissionsByKey).not.toHaveProperty(key);
    expect(statsAfterRun.batchesCreated).toBe(3);
    expect(statsAfterRun.generateContentCalls).toBe(0);
    const requests = queryLedger<{ stage: string; key: string; state: string }>(hostile.project, 'SELECT stage, key, state FROM requests');
    for (const [stage, keys] of Object.entries(hostile.validKeys)) {
      const rows = requests.filter((row) => row.stage === stage);
      expect(rows.map((row) => row.key).sort()).toEqual([...keys].sort());
      expect(rows.every((row) => row.state === 'valid')).toBe(true);
    }
  });

  it('output names are safe, unique, inside their stage folder, and recorded per key in the ledger', () => {
    const rows = queryLedger<{ stage: string; key: string; output_path: string | null }>(
      hostile.project,
      'SELECT stage, key, output_path FROM requests ORDER BY stage, key',
    );
    const paths = rows.map((row) => row.output_path ?? '');
    expect(new Set(paths).size).toBe(rows.length);
    for (const row of rows) {
      const folder = join(hostile.project, 'outputs', row.stage);
      expect(dirname(row.output_path ?? ''), row.key).toBe(folder);
      const name = basename(row.output_path ?? '');
      expect(name).not.toMatch(/^\.|[/\\<>:"|?*]|\.\./);
      expect(() => JSON.parse(readFileSync(row.output_path ?? '', 'utf8')) as unknown).not.toThrow();
    }
    for (const stage of Object.keys(hostile.validKeys)) {
      const folder = join(hostile.project, 'outputs', stage);
      const recorded = rows.filter((row) => row.stage === stage).map((row) => basename(row.output_path ?? '')).sort();
      expect(readdirSync(folder).sort()).toEqual(recorded);
    }
    const nameOf = (key: string): string => basename(rows.find((row) => row.key === key)?.output_path ?? '');
    expect(nameOf('good_extract')).toBe('good.json');
    expect(nameOf('bom_extract')).toBe('bom.json');
    expect(nameOf('my paper_extract')).toBe('my paper.json');
    expect(nameOf('研究_extract')).toBe('研究.json');
    expect(nameOf('CON_extract')).toMatch(/^_CON-[0-9a-f]{8}\.json$/);
    expect(nameOf('nul_extract')).toMatch(/^_nul-[0-9a-f]{8}\.json$/);
    expect(nameOf('weird..name_extract')).toMatch(/^weird_name-[0-9a-f]{8}\.json$/);
    expect(nameOf('what?_extract')).toMatch(/^what_-[0-9a-f]{8}\.json$/);
    expect(nameOf('deep_extract')).toBe('deep.json');
    const long = rows.find((row) => row.key.startsWith('long-name-'))?.key ?? '';
    expect(nameOf(long)).toMatch(/^(long-name-)+[a-z-]*-[0-9a-f]{8}\.json$/);
    expect(Buffer.byteLength(nameOf(long))).toBeLessThanOrEqual(155);
    expect(nameOf('.._byid')).toMatch(/^__byid-[0-9a-f]{8}_\d{8}T\d{6}Z\.json$/);
  });

  it('every bad document is recorded in the ledger and reported by status --json with its reason', () => {
    const issues = queryLedger<Issue & { kind: string }>(hostile.project, 'SELECT stage, path, kind, reason FROM corpus_issues');
    expect(issues).toHaveLength(hostile.issues.length);
    expect(statusJson.code).toBe(0);
    const status = JSON.parse(statusJson.stdout) as { stages: { stage: string; corpusIssues: Issue[] }[] };
    for (const expected of hostile.issues) {
      const match = expect.objectContaining({ path: expected.path, kind: expected.kind, reason: expect.stringMatching(expected.reason) });
      expect(issues, `${expected.stage} ${expected.path}`).toContainEqual(expect.objectContaining({ stage: expected.stage }));
      expect(issues.filter((issue) => issue.stage === expected.stage)).toContainEqual(match);
      expect(status.stages.find((stage) => stage.stage === expected.stage)?.corpusIssues).toContainEqual(match);
    }
  });

  /** The status text line for a path, as `  <path>: <reason>`. */
  const statusLine = (path: string): string | undefined =>
    statusText.stdout.split('\n').find((text) => text.trim().startsWith(`${path}: `));

  it('status text names every invalid document with its reason', () => {
    expect(statusText.code).toBe(0);
    for (const expected of hostile.issues.filter((issue) => issue.kind === 'invalid')) {
      expect(statusLine(expected.path), expected.path).toBeDefined();
      expect(statusLine(expected.path)?.trim().slice(expected.path.length + 2)).toMatch(expected.reason);
    }
  });

  it('status text names every excluded path with its reason', () => {
    for (const expected of hostile.issues.filter((issue) => issue.kind === 'excluded')) {
      expect(statusLine(expected.path), expected.path).toBeDefined();
      expect(statusLine(expected.path)?.trim().slice(expected.path.length + 2)).toMatch(expected.reason);
    }
  });

  it('writes nothing outside the output folders and the state folder, and follows no link out', () => {
    const diff = diffTrees(before, snapshotTree(hostile.root));
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([]);
    const outside = diff.added.filter((path) => !path.startsWith('project/outputs/') && !path.startsWith('project/.truebatch/'));
    expect(outside).toEqual([]);
    expect(diff.added.filter((path) => path.startsWith('project/outputs/') && path.split('/').length > 4)).toEqual([]);
    // The secret behind the links was never read into a request.
    const inputs = readdirSync(join(hostile.project, '.truebatch', 'inputs'));
    for (const name of inputs) expect(readFileSync(join(hostile.project, '.truebatch', 'inputs', name), 'utf8')).not.toMatch(/Secret outside|Another secret/);
  });

  it('a second run on the unchanged corpus submits nothing', () => {
    expect(again.code).toBe(7);
    expect(server.stats().batchesCreated).toBe(statsAfterRun.batchesCreated);
    expect(server.stats().submissionsByKey).toEqual(statsAfterRun.submissionsByKey);
  });
});

describe('invalid config is refused with the path and the expected form', () => {
  it('lists every problem with file:line, path and "did you mean", exits 2 and contacts no provider', async () => {
    const project = makeProject({ count: 2 });
    const { server, env } = await emulator();
    const configPath = join(project, 'truebatch.config.yaml');
    const config = readFileSync(configPath, 'utf8')
      .replace('maxIntervalMs: 200', 'maxIntervalMS: 200')
      .replace('input: { dir: docs }', 'input: { dir: docs, followSymlinks: yes }')
      .replace('    maxAttempts: 3', '    maxAtempts: 3\n    maxInputTokens: -5\n    output: { fileName: "{title}.json" }');
    writeFileSync(configPath, config);
    for (const command of ['run', 'plan', 'status']) {
      const result = await runCli([command, '--project', project], env);
      expect(result.code, command).toBe(2);
      expect(result.stderr).not.toContain('unexpected error');
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).toMatch(/invalid config \(5 problems\)/);
      const at = (line: number) => `${configPath}:${line}:\\d+: `.replace(/[.[\]]/g, '\\$&');
      expect(result.stderr).toMatch(new RegExp(`${at(3)}polling\\.maxIntervalMS: unknown key; did you mean \`maxIntervalMs\`\\?`));
      expect(result.stderr).toMatch(new RegExp(`${at(7)}stages\\[0\\]\\.input\\.followSymlinks: expected a boolean, got a string \\("yes"\\)`));
      expect(result.stderr).toMatch(new RegExp(`${at(10)}stages\\[0\\]\\.maxAtempts: unknown key; did you mean \`maxAttempts\``));
      expect(result.stderr).toMatch(new RegExp(`${at(11)}stages\\[0\\]\\.maxInputTokens: expected a number more than 0, got a number \\(-5\\)`));
      expect(result.stderr).toMatch(
        new RegExp(`${at(12)}stages\\[0\\]\\.output\\.fileName: unknown placeholder \\{title\\}; expected only \\{key\\}, \\{id\\}, \\{stage\\}, \\{timestamp\\}`),
      );
    }
    expect(Object.values(server.stats().endpointCalls).every((n) => n === 0)).toBe(true);
  });

  it('a prompt field one document lacks makes that document invalid, naming it and the field; the rest runs', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    writeFileSync(join(project, 'prompt.md'), 'Paper from {{year}}: {{title}}\n\n{{document}}\n');
    const lacking = join(project, 'docs', 'paper2.json');
    const paper = JSON.parse(readFileSync(lacking, 'utf8')) as Record<string, unknown>;
    delete paper['year'];
    writeFileSync(lacking, JSON.stringify(paper));
    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(7);
    expect(plan.stdout).toMatch(/invalid extract paper2\.json: document paper2: the prompt template needs field\(s\) "year", which the document lacks/);
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(7);
    expect(run.stdout).toMatch(/paper2\.json: document paper2: the prompt template needs field\(s\) "year"/);
    expect(Object.keys(server.stats().submissionsByKey).sort()).toEqual(['paper1_extract', 'paper3_extract']);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(2);
  });
});

describe('provider-side endings lose no finished result', () => {
  it('a job that fails part-way keeps its finished lines; only the rest go out again', async () => {
    const project = makeProject({ count: 5 });
    const { server, env } = await emulator({ faults: { jobs: [{ nth: 1, outcome: 'failed', afterLines: 2 }] } });
    const result = await runCli(['run', '--project', project], env);
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(5);
    const jobs = queryLedger<{ remote_state: string }>(project, 'SELECT remote_state FROM jobs ORDER BY id');
    expect(jobs.map((job) => job.remote_state)).toEqual(['BATCH_STATE_FAILED', 'BATCH_STATE_SUCCEEDED']);
    const requests = queryLedger<{ key: string; attempts: number }>(project, 'SELECT key, attempts FROM requests');
    const submissions = server.stats().submissionsByKey;
    expect(requests.filter((request) => request.attempts === 1)).toHaveLength(2);
    for (const request of requests) expect(submissions[request.key], request.key).toBe(request.attempts);
    expect(Object.values(submissions).reduce((a, b) => a + b, 0)).toBe(5 + 3);
  });

  it('a cancel that arrives after the job finished still collects every result and resubmits nothing', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    const remote = queryLedger<{ remote_name: string }>(project, 'SELECT remote_name FROM jobs')[0]?.remote_name ?? '';
    // Wait until the provider has finished the job, while the ledger still has it in flight.
    for (let i = 0; i < 100; i++) {
      await server.advance();
      const response = await server.emulator.app.request(`/v1beta/${remote}`, { headers: { 'x-goog-api-key': KEY } });
      if (((await response.json()) as { done?: boolean }).done === true) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(queryLedger<{ state: string }>(project, 'SELECT state FROM jobs')[0]?.state).not.toBe('collected');

    const cancelled = await runCli(['cancel', '--project', project, '--yes'], env);
    expect(cancelled.stderr).not.toContain('unexpected error');
    expect(cancelled.code).toBe(0);
    expect(server.stats().batchesCancelled).toBe(0);
    const jobs = queryLedger<{ state: string; remote_state: string }>(project, 'SELECT state, remote_state FROM jobs');
    expect(jobs).toEqual([{ state: 'collected', remote_state: 'BATCH_STATE_SUCCEEDED' }]);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);

    const rerun = await runCli(['run', '--project', project], env);
    expect(rerun.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(1);
    expect(Object.values(server.stats().submissionsByKey)).toEqual([1, 1, 1]);
  });
});
