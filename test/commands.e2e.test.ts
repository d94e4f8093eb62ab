/**
 * The other commands end to end: detach and resume, the project lock, status/jobs, cancel, offline validate,
 * and the provider selection messages.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli, startCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 200 });

describe('truebatch commands (end to end)', () => {
  it('--detach submits and exits 5; status shows the live job; the next run collects without resubmitting', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator({ jobDurationMs: 1500 });
    const detached = await runCli(['run', '--project', project, '--detach'], env);
    expect(detached.code).toBe(5);
    expect(detached.stdout).toContain('Detached');
    const status = JSON.parse((await runCli(['status', '--project', project, '--json'], env)).stdout) as {
      stages: { inJob: number }[];
      liveJobs: { state: string }[];
    };
    expect(status.stages[0]?.inJob).toBe(3);
    expect(status.liveJobs).toHaveLength(1);
    const resumed = await runCli(['run', '--project', project], env);
    expect(resumed.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(1);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
    const jobs = JSON.parse((await runCli(['jobs', '--project', project, '--json'], env)).stdout) as { jobs: { state: string }[] };
    expect(jobs.jobs.map((job) => job.state)).toEqual(['collected']);
  });

  it('refuses a second run while the first works; reports a stale job without cancelling it; Ctrl-C stops polling and says how to resume', async () => {
    const project = makeProject({ count: 2, extraYaml: 'polling: { initialIntervalMs: 50, maxIntervalMs: 200, staleAfterMs: 400 }' });
    const { server, env } = await emulator({ faults: { jobs: [{ nth: 1, outcome: 'stuck' }] } });
    const first = startCli(['run', '--project', project], env);
    for (let i = 0; i < 300 && !first.stderr().includes('submitted'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.stats().batchesCreated).toBe(1);
    const second = await runCli(['run', '--project', project], env);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another truebatch process \(pid \d+\)/);
    for (let i = 0; i < 300 && !first.stderr().includes('stale'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(first.stderr()).toMatch(/has been PENDING for [\d.]+ h: stale\. It is not cancelled automatically/);
    const status = JSON.parse((await runCli(['status', '--project', project, '--json'], env)).stdout) as { liveJobs: { stale: boolean }[] };
    expect(status.liveJobs.map((job) => job.stale)).toEqual([true]);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('Submitted jobs keep running at the provider; run `truebatch run` again to resume');
    expect(server.stats().batchesCancelled).toBe(0);
    const jobs = queryLedger<{ state: string }>(project, 'SELECT state FROM jobs');
    expect(jobs.map((job) => job.state)).toEqual(['pending']); // a stuck job stays PENDING
    // The lock went with the process: the next run starts, finds its job and keeps watching it.
    const resumed = startCli(['run', '--project', project], env);
    for (let i = 0; i < 300 && !resumed.stderr().includes(' pending ('); i++) await new Promise((r) => setTimeout(r, 100));
    resumed.child.kill('SIGINT');
    expect((await resumed.done).code).toBe(130);
    expect(server.stats().batchesCreated).toBe(1);
  });

  it('cancel asks for confirmation, and with --yes cancels and sends the requests back for a new attempt', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator({ faults: { jobs: [{ nth: 1, outcome: 'stuck' }] } });
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    const refused = await runCli(['cancel', '--project', project], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(server.stats().batchesCancelled).toBe(0);
    const cancelled = await runCli(['cancel', '--project', project, '--yes'], env);
    expect(cancelled.code).toBe(0);
    expect(server.stats().batchesCancelled).toBe(1);
    const requests = queryLedger<{ state: string; last_reason: string }>(project, 'SELECT state, last_reason FROM requests');
    expect(requests.every((r) => r.state === 'pending' && r.last_reason.includes('cancelled'))).toBe(true);
    const rerun = await runCli(['run', '--project', project], env);
    expect(rerun.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
  });

  it('validate --apply re-checks stored responses offline after the rules change', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const calls = server.stats().endpointCalls;
    // Tighten the rules: require a field no answer has.
    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('    maxAttempts: 3', '    validation: { required: [doi] }\n    maxAttempts: 3'));
    const tightened = await runCli(['validate', '--project', project, '--apply', '--json'], {});
    expect(tightened.code).toBe(0);
    const summary = JSON.parse(tightened.stdout) as { stages: { checked: number; nowInvalid: number }[] };
    expect(summary.stages[0]).toMatchObject({ checked: 3, nowInvalid: 3 });
    expect(server.stats().endpointCalls).toEqual(calls); // offline: no provider call at all
    const requests = queryLedger<{ state: string }>(project, 'SELECT state FROM requests');
    expect(requests.every((r) => r.state === 'pending')).toBe(true);
    // Rejected answers lose their output files (the answers stay in the ledger, as the loosened rules show).
    expect(outputFiles(join(project, 'outputs', 'extract'))).toEqual([]);
    // Loosen them again: the same stored answers are valid once more.
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('    validation: { required: [doi] }\n', ''));
    const loosened = JSON.parse((await runCli(['validate', '--project', project, '--apply', '--json'], {})).stdout) as { stages: { nowValid: number }[] };
    expect(loosened.stages[0]?.nowValid).toBe(3);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
  });

  it('validate never brings back the answer to an older version of a changed document', async () => {
    const project = makeProject({ count: 3, expectedCount: 3 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    // paper2 changes, and the next run stops right after planning (the expected count no longer matches).
    const paper2 = join(project, 'docs', 'paper2.json');
    writeFileSync(paper2, readFileSync(paper2, 'utf8').replace('Potassium study 2', 'Potassium study 2, revised'));
    const configPath = join(project, 'truebatch.config.yaml');
    const config = readFileSync(configPath, 'utf8');
    writeFileSync(configPath, config.replace('expectedCount: 3', 'expectedCount: 4'));
    expect((await runCli(['run', '--project', project], env)).code).toBe(2);
    const stateOf = (key: string): string | undefined => queryLedger<{ state: string }>(project, 'SELECT state FROM requests WHERE key = ?', key)[0]?.state;
    expect(stateOf('paper2_extract')).toBe('pending');
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(2);
    // The only stored answer for paper2 is the old document's: validate leaves the request waiting for a new one.
    writeFileSync(configPath, config);
    expect((await runCli(['validate', '--project', project, '--apply'], {})).code).toBe(0);
    expect(stateOf('paper2_extract')).toBe('pending');
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(2);
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(server.stats().submissionsByKey['paper2_extract']).toBe(2);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(3);
  });

  it("a copied project's changes never touch the original's outputs", async () => {
    const original = makeProject({ count: 2 });
    const { env } = await emulator();
    expect((await runCli(['run', '--project', original], env)).code).toBe(0);
    const before = outputFiles(join(original, 'outputs', 'extract'));
    const copy = mkdtempSync(join(tmpdir(), 'tb-copy-'));
    cpSync(original, copy, { recursive: true });
    const paper1 = join(copy, 'docs', 'paper1.json');
    writeFileSync(paper1, readFileSync(paper1, 'utf8').replace('Potassium study 1', 'Potassium study 1, revised'));
    expect((await runCli(['run', '--project', copy], env)).code).toBe(0);
    expect(outputFiles(join(original, 'outputs', 'extract'))).toEqual(before);
    expect(outputFiles(join(copy, 'outputs', 'extract'))).toHaveLength(3); // the copy's stale paper1 stays: its path is the original's
  });

  it('says plainly when the model is simulated, and how to set a key when there is none', async () => {
    const project = makeProject({ count: 1 });
    const noKey = await runCli(['run', '--project', project], {});
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/GEMINI_API_KEY.*--provider emulator/s);
    const embedded = await runCli(['run', '--project', project, '--provider', 'emulator'], {});
    expect(embedded.code).toBe(0);
    expect(embedded.stderr).toContain('the model is simulated');
  });
});
