/**
 * End to end: the embedded emulator (`provider: emulator`) keeps its jobs in the project's `.truebatch/emulator/`
 * folder, so a CLI process that detached, or was killed while its jobs ran, is followed by one that still finds
 * them: every request is answered by its first attempt, and nothing is submitted twice.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli, startCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const REQUESTS = 4;

/** A small project on the embedded emulator, with jobs slow enough to be caught running. */
function embeddedProject(): string {
  const project = makeProject({ count: REQUESTS, extraYaml: 'emulator: { jobDurationMs: 3000 }' });
  const path = join(project, 'truebatch.config.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^provider: gemini$/m, 'provider: emulator'));
  return project;
}

function count(project: string, sql: string): number {
  return queryLedger<{ n: number }>(project, sql)[0]?.n ?? -1;
}

/** Every request valid from its only attempt, in one job, and no job ever lost. */
function expectSubmittedOnce(project: string, stderr: string): void {
  expect(count(project, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'")).toBe(REQUESTS);
  expect(count(project, 'SELECT COUNT(*) AS n FROM attempts')).toBe(REQUESTS);
  expect(count(project, 'SELECT COUNT(*) AS n FROM jobs')).toBe(1);
  expect(count(project, "SELECT COUNT(*) AS n FROM events WHERE kind = 'job-lost' OR message LIKE '%no longer knows%'")).toBe(0);
  expect(stderr).not.toContain('no longer knows');
  expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(REQUESTS);
}

describe('the embedded emulator across CLI processes', () => {
  it('collects after run --detach the jobs the detached process submitted, without resubmitting', async () => {
    const project = embeddedProject();
    const detached = await runCli(['run', '--project', project, '--detach']);
    expect(detached.stderr).not.toContain('unexpected error');
    expect(detached.code).toBe(5);
    expect(existsSync(join(project, '.truebatch', 'emulator', 'state.json'))).toBe(true);
    expect(count(project, "SELECT COUNT(*) AS n FROM jobs WHERE remote_name IS NOT NULL AND state <> 'collected'")).toBe(1);

    const resumed = await runCli(['run', '--project', project]);
    expect(resumed.stderr).not.toContain('unexpected error');
    expect(resumed.code).toBe(0);
    expectSubmittedOnce(project, resumed.stderr);
  });

  it('collects after a SIGKILL while the jobs run, without resubmitting', async () => {
    const project = embeddedProject();
    const first = startCli(['run', '--project', project]);
    await vi.waitFor(
      () => {
        expect(existsSync(join(project, '.truebatch', 'ledger.db'))).toBe(true);
        expect(count(project, 'SELECT COUNT(*) AS n FROM jobs WHERE remote_name IS NOT NULL')).toBe(1);
      },
      { timeout: 30_000, interval: 100 },
    );
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    expect(count(project, "SELECT COUNT(*) AS n FROM jobs WHERE state = 'collected'")).toBe(0);

    const resumed = await runCli(['run', '--project', project]);
    expect(resumed.stderr).not.toContain('unexpected error');
    expect(resumed.code).toBe(0);
    expectSubmittedOnce(project, resumed.stderr);
  });
});
