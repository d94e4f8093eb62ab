/**
 * Crash safety: the CLI kills itself with SIGKILL at each step of the flow (a failpoint), then the same command
 * runs again, on each provider. The emulator's counters prove that no job was created twice and no request went out
 * twice; the files prove that no result was lost.
 */
import { readFileSync } from 'node:fs';
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

/** Batches an embedded emulator holds, from the state it persists in the project (it died with the CLI). */
function embeddedAnthropicBatches(project: string): number {
  const state = JSON.parse(readFileSync(join(project, '.truebatch', 'emulator', 'state.json'), 'utf8')) as { anthropic?: { batches?: unknown[] } };
  return state.anthropic?.batches?.length ?? 0;
}

/**
 * Each provider the crash test runs on: its config name, its environment, how many batches its emulator has created
 * (for the project), and what a batch's name looks like.
 */
const providers: { provider: string; env: () => Record<string, string>; batches: (project: string) => number; remote: RegExp }[] = [
  { provider: 'gemini', env: () => ({ GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: server.url }), batches: () => server.stats().batchesCreated, remote: /^batches\// },
  { provider: 'openai', env: () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiUrl }), batches: () => server.stats().openai.batchesCreated, remote: /^batch_/ },
  {
    provider: 'anthropic',
    env: () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.anthropicUrl }),
    batches: () => server.stats().anthropic.batchesCreated,
    remote: /^msgbatch_/,
  },
  // The emulator embedded in the CLI is killed with it, and resumes from what it persisted.
  { provider: 'anthropic-emulator', env: () => ({}), batches: embeddedAnthropicBatches, remote: /^msgbatch_/ },
];

describe.each(providers)('a crash at any step is repaired by running again on $provider', ({ provider, env: envOf, batches, remote: remotePattern }) => {
  it.each(failpoints)('SIGKILL %s', async (failpoint) => {
    const project = makeProject({ count: 5, provider, extraYaml: 'emulator: { jobDurationMs: 300 }' });
    // Key names are per project, so this project's submissions can be told apart in the shared emulator.
    const env = envOf();
    const before = provider === 'anthropic-emulator' ? 0 : batches(project);

    const crashed = await runCli(['run', '--project', project], { ...env, TRUEBATCH_FAILPOINT: failpoint });
    expect(crashed.signal).toBe('SIGKILL');

    const resumed = await runCli(['run', '--project', project], env);
    expect(resumed.stderr).not.toContain('unexpected error');
    expect(resumed.code).toBe(0);

    const jobs = queryLedger<{ remote_name: string | null }>(project, 'SELECT remote_name FROM jobs');
    expect(jobs).toHaveLength(1);
    expect(batches(project) - before).toBe(1);
    const remote = jobs[0]?.remote_name ?? '';
    expect(remote).toMatch(remotePattern);
    if (failpoint === 'after-create') {
      // Killed with the batch made and its name unrecorded: the rerun found it (by display name, or by its custom_ids).
      expect(queryLedger(project, "SELECT 1 FROM events WHERE kind = 'job-reconciled' AND message LIKE '%: found %'")).toHaveLength(1);
    }
    const attempts = queryLedger<{ n: number }>(project, 'SELECT MAX(attempt_no) AS n FROM attempts');
    expect(attempts[0]?.n).toBe(1);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(5);
    const valid = queryLedger<{ n: number }>(project, "SELECT COUNT(*) AS n FROM requests WHERE state = 'valid'");
    expect(valid[0]?.n).toBe(5);
  });
});
