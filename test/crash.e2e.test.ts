/**
 * Crash safety: the CLI kills itself with SIGKILL at each step of the flow (a failpoint), then the same command
 * runs again. The emulator's counters prove that no job was created twice and no request went out twice; the
 * files prove that no result was lost.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.ts';
import type { Failpoint } from '../src/engine/index.ts';
import { runCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const KEY = 'crash-test-key';
let server: RunningEmulator;
beforeAll(async () => {
  server = await startEmulator({ apiKey: KEY, jobDurationMs: 300, pendingMs: 50 });
});
afterAll(async () => {
  await server.close();
});

const failpoints: Failpoint[] = [
  'after-upload',
  'after-intent',
  'after-create',
  'while-polling',
  'while-downloading',
  'while-writing-outputs',
];

/**
 * The providers the crash test runs against, each at the shared emulator over HTTP (so its counters are readable
 * here): how a project names it, its environment, how many batches the emulator made for it, and its job names.
 */
interface CrashProvider {
  provider: string;
  model: string;
  env: () => Record<string, string>;
  batchesCreated: () => number;
  remoteName: RegExp;
}

const providers: CrashProvider[] = [
  {
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    env: () => ({ GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url }),
    batchesCreated: () => server.stats().batchesCreated,
    remoteName: /^batches\//,
  },
  {
    provider: 'openai',
    model: 'gpt-4.1-mini',
    env: () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiUrl }),
    batchesCreated: () => server.stats().openai.batchesCreated,
    remoteName: /^batch_/,
  },
];

describe.each(providers)('a crash at any step is repaired by running again ($provider)', (subject) => {
  it.each(failpoints)('SIGKILL %s', async (failpoint) => {
    const project = makeProject({ count: 5, provider: subject.provider, model: subject.model });
    // Key names are per project, so this project's submissions can be told apart in the shared emulator.
    const env = subject.env();
    const before = subject.batchesCreated();

    const crashed = await runCli(['run', '--project', project], { ...env, TRUEBATCH_FAILPOINT: failpoint });
    expect(crashed.signal).toBe('SIGKILL');

    const resumed = await runCli(['run', '--project', project], env);
    expect(resumed.stderr).not.toContain('unexpected error');
    expect(resumed.code).toBe(0);

    const jobs = queryLedger<{ remote_name: string | null }>(project, 'SELECT remote_name FROM jobs');
    expect(jobs).toHaveLength(1);
    expect(subject.batchesCreated() - before).toBe(1);
    const remote = jobs[0]?.remote_name ?? '';
    expect(remote).toMatch(subject.remoteName);
    const attempts = queryLedger<{ n: number }>(project, 'SELECT MAX(attempt_no) AS n FROM attempts');
    expect(attempts[0]?.n).toBe(1);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(5);
    const valid = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'");
    expect(valid[0]?.n).toBe(5);
  });
});
