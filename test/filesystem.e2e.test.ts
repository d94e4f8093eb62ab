/**
 * Hostile filesystems end to end: an output folder that cannot be created, a full disk under the outputs and
 * under the ledger, a read-only output folder, a state folder that is a file, and a ledger on a file system that
 * turns read-only between runs. Each
 * time the run stops with a clear message naming the path and the reason, leaves no partial or temporary file,
 * and the next run after the fix finishes without submitting anything a second time.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.ts';
import { runCli, type CliResult } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';
import { fillDisk, mountTmpfs, setReadOnly, tmpfsUnavailable, unmountAll } from './support/tmpfs.ts';

const KEY = 'filesystem-test-key';
const running: RunningEmulator[] = [];
afterEach(async () => {
  unmountAll();
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

async function emulator(jobDurationMs = 150) {
  const server = await startEmulator({ apiKey: KEY, jobDurationMs, pendingMs: 50 });
  running.push(server);
  return { server, env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url } };
}

/** The run failed on purpose: non-zero, a one-line reason naming `path`, no stack trace. */
function expectClearFailure(result: CliResult, path: string, reason: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.signal).toBeNull();
  expect(result.stderr).not.toContain('unexpected error');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).toContain(path);
  expect(result.stderr).toMatch(reason);
}

/** Every file under `dir` whose name marks an unfinished atomic write. */
function tempLeftovers(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.startsWith('.tmp-')) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Each request went to the provider exactly once, in one batch job, over both runs. */
function expectSubmittedOnce(server: RunningEmulator, count: number): void {
  const stats = server.stats();
  expect(stats.batchesCreated).toBe(1);
  expect(Object.keys(stats.submissionsByKey)).toHaveLength(count);
  expect(Object.values(stats.submissionsByKey).every((n) => n === 1)).toBe(true);
}

/** The finished output folder: `count` complete JSON files, each one recorded in the ledger. */
function expectOutputs(project: string, count: number): void {
  const dir = join(project, 'outputs', 'extract');
  const names = outputFiles(dir);
  expect(names).toHaveLength(count);
  for (const name of names) expect(() => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown).not.toThrow();
  const recorded = queryLedger<{ output_path: string }>(project, "SELECT output_path FROM requests WHERE state = 'valid'");
  expect(recorded.map((row) => row.output_path).sort()).toEqual(names.map((name) => join(dir, name)));
  expect(tempLeftovers(project)).toEqual([]);
}

describe('a hostile filesystem stops the run clearly and loses nothing', () => {
  it('output folder that cannot be created (its parent is a file): clear error, then the fixed run collects without resubmitting', async () => {
    const project = makeProject({ count: 4 });
    const { server, env } = await emulator();
    const blocker = join(project, 'outputs');
    writeFileSync(blocker, 'a file where the output folder should be\n');

    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, blocker, /not a (folder|directory)|ENOTDIR/i);
    expect(readFileSync(blocker, 'utf8')).toBe('a file where the output folder should be\n');

    rmSync(blocker);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.stderr).not.toContain('unexpected error');
    expect(fixed.code).toBe(0);
    expectOutputs(project, 4);
    expectSubmittedOnce(server, 4);
  });

  it.skipIf(tmpfsUnavailable !== undefined)('disk full while writing outputs: no partial file, then the fixed run finishes the rest without resubmitting', async () => {
    const project = makeProject({ count: 5 });
    const { server, env } = await emulator();
    const outputDir = join(project, 'outputs', 'extract');
    mountTmpfs(outputDir, 64);
    const filler = join(outputDir, 'filler.bin');
    fillDisk(filler, 4096); // room for about one small output file

    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, outputDir, /disk full/);
    expect(tempLeftovers(outputDir)).toEqual([]);
    // Whatever was written before the disk filled up is complete and recorded; nothing else stands there.
    const written = outputFiles(outputDir);
    expect(written.length).toBeLessThan(5);
    for (const name of written) expect(() => JSON.parse(readFileSync(join(outputDir, name), 'utf8')) as unknown).not.toThrow();
    const recorded = queryLedger<{ output_path: string }>(project, "SELECT output_path FROM requests WHERE state = 'valid'");
    expect(recorded.map((row) => row.output_path).sort()).toEqual(written.map((name) => join(outputDir, name)));
    const submitted = server.stats();
    expect(submitted.batchesCreated).toBe(1);

    rmSync(filler);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.stderr).not.toContain('unexpected error');
    expect(fixed.code).toBe(0);
    expectOutputs(project, 5);
    expectSubmittedOnce(server, 5);
    expect(server.stats().submissionsByKey).toEqual(submitted.submissionsByKey);
  });

  it.skipIf(tmpfsUnavailable !== undefined)('read-only output folder: clear error naming it, then the fixed run collects without resubmitting', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    const outputDir = join(project, 'outputs', 'extract');
    mountTmpfs(outputDir, 256);
    setReadOnly(outputDir, true);

    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, outputDir, /read-only/);

    setReadOnly(outputDir, false);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.stderr).not.toContain('unexpected error');
    expect(fixed.code).toBe(0);
    expectOutputs(project, 3);
    expectSubmittedOnce(server, 3);
  });

  it('state folder .truebatch is a file: clear error before anything is submitted, then the fixed run works', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    const stateDir = join(project, '.truebatch');
    writeFileSync(stateDir, 'not a folder\n');

    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, stateDir, /not a (folder|directory)|ENOTDIR/i);
    expect(server.stats().batchesCreated).toBe(0);
    const status = await runCli(['status', '--project', project], env);
    expectClearFailure(status, stateDir, /not a (folder|directory)|ENOTDIR/i);

    rmSync(stateDir);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.code).toBe(0);
    expectOutputs(project, 3);
    expectSubmittedOnce(server, 3);
  });

  it.skipIf(tmpfsUnavailable !== undefined)('state folder disk full while collecting: clear error, then the fixed run collects without resubmitting', async () => {
    const project = makeProject({ count: 12 });
    const { server, env } = await emulator(300);
    const stateDir = join(project, '.truebatch');
    mountTmpfs(stateDir, 4096);
    expect((await runCli(['run', '--project', project, '--detach'], env)).code).toBe(5);
    // Room to open the ledger and take the lock, not to record a dozen results and their output paths.
    const filler = join(stateDir, 'filler.bin');
    fillDisk(filler, 64 * 1024);

    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, stateDir, /disk full|disk is full/);

    rmSync(filler);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.stderr).not.toContain('unexpected error');
    expect(fixed.code).toBe(0);
    expectOutputs(project, 12);
    expectSubmittedOnce(server, 12);
  });

  it.skipIf(tmpfsUnavailable !== undefined)('ledger on a file system turned read-only while a job runs: clear error, then the fixed run collects without resubmitting', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator(400);
    const stateDir = join(project, '.truebatch');
    mountTmpfs(stateDir, 4096);
    const detached = await runCli(['run', '--project', project, '--detach'], env);
    expect(detached.code).toBe(5);
    expect(server.stats().batchesCreated).toBe(1);

    setReadOnly(stateDir, true);
    const failed = await runCli(['run', '--project', project], env);
    expectClearFailure(failed, stateDir, /read-only/);
    // Reading the state either works or says clearly why not.
    const status = await runCli(['status', '--project', project, '--json'], env);
    if (status.code === 0) expect((JSON.parse(status.stdout) as { stages: { inJob: number }[] }).stages[0]?.inJob).toBe(3);
    else expectClearFailure(status, stateDir, /read-only|cannot open/);

    setReadOnly(stateDir, false);
    const fixed = await runCli(['run', '--project', project], env);
    expect(fixed.stderr).not.toContain('unexpected error');
    expect(fixed.code).toBe(0);
    expectOutputs(project, 3);
    expectSubmittedOnce(server, 3);
  });
});
