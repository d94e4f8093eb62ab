/**
 * @module Submitting while collecting: the work a run does while an input file uploads (collecting finished jobs)
 * can fail without losing the upload or blaming the job it ran beside. Real emulator, real ledger, the engine's
 * own steps. Also: the next job is cut while the last one uploads.
 */
import { describe, expect, it } from 'vitest';
import { loadProjectConfig, type StageConfig } from '../src/config/index.ts';
import { openProject } from '../src/create-truebatch.ts';
import type { EngineContext } from '../src/engine/context.ts';
import { planStage } from '../src/engine/plan-stage.ts';
import { shardStage } from '../src/engine/shard-stage.ts';
import { submitJobs } from '../src/engine/submit-jobs.ts';
import { ProviderError } from '../src/shared/index.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest();

describe('collecting while an input file uploads', () => {
  it('a failure beside an upload still submits that job once, records it, and is then thrown as it was', async () => {
    const project = makeProject({ count: 4, extraYaml: 'sharding: { maxRequestsPerJob: 2, maxBytesPerJob: 1000000 }' });
    const { server, env } = await emulator();
    const config = await loadProjectConfig({ projectDir: project, env });
    const notices: string[] = [];
    const opened = await openProject(config, {
      reporter: { notice: (message) => notices.push(message), job: () => {} },
      signal: new AbortController().signal,
    });
    try {
      const { context } = opened;
      const [stage] = config.stages;
      if (!stage) throw new Error('the test project has one stage');
      await planStage({ config, ledger: context.ledger, memory: new Map(), mode: 'record' }, stage);
      expect(await shardStage(context, stage, context.clock.now())).toHaveLength(2);

      // A retryable provider error, the kind the per-job handling would have taken for the upload's own.
      const downloadFailed = new ProviderError('gemini', 'download failed: HTTP 503', { status: 503, isRetryable: true });
      let calls = 0;
      const failure = await submitJobs(context, [stage], () => {
        calls++;
        return Promise.reject(downloadFailed);
      }).then(() => undefined, (error: unknown) => error);

      expect(failure).toBe(downloadFailed);
      expect(calls).toBe(1);
      // The job uploaded beside the failure was created and recorded; the second was left for the next pass.
      const jobs = context.ledger.jobs().map((job) => ({ state: job.state, remote: job.remote_name !== null }));
      expect(jobs).toEqual([{ state: 'submitted', remote: true }, { state: 'planned', remote: false }]);
      expect(server.stats().batchesCreated).toBe(1);
      expect(notices.some((message) => message.includes('download failed'))).toBe(false);

      // The next pass submits the rest, and nothing twice.
      expect((await submitJobs(context, [stage])).submitted).toBe(1);
      expect(server.stats().batchesCreated).toBe(2);
      expect(Object.values(server.stats().submissionsByKey)).toEqual([1, 1, 1, 1]);
    } finally {
      await opened.close();
    }
  });

  it('cuts the next job while the last one uploads, and submits each job it cuts in the same call', async () => {
    await withPlannedProject(async ({ project, context, stage, server }) => {
      // One job at a time: the first now, the others while the one before uploads.
      expect(await shardStage(context, stage, context.clock.now(), { maxJobs: 1, maxRequests: Infinity })).toHaveLength(1);
      expect(context.ledger.requestCounts(stage.name)).toMatchObject({ pending: 3, in_job: 2 });
      let cuts = 0;
      const { submitted } = await submitJobs(context, [stage], async () => {
        cuts += (await shardStage(context, stage, context.clock.now(), { maxJobs: 1, maxRequests: Infinity })).length;
      });
      expect(cuts).toBe(2);
      expect(submitted).toBe(3);
      expect(server.stats().batchesCreated).toBe(3);
      expect(context.ledger.requestCounts(stage.name)).toMatchObject({ pending: 0, in_job: 5 });
      // Each next job was planned before the one uploading beside it was recorded as uploaded.
      const events = queryLedger(project, "SELECT kind, job_id FROM events WHERE kind IN ('job-planned', 'job-uploaded') ORDER BY id");
      const [first, second, third] = context.ledger.jobs().map((job) => job.id);
      expect(events).toEqual([
        { kind: 'job-planned', job_id: first }, { kind: 'job-planned', job_id: second }, { kind: 'job-uploaded', job_id: first },
        { kind: 'job-planned', job_id: third }, { kind: 'job-uploaded', job_id: second }, { kind: 'job-uploaded', job_id: third },
      ]);
      expect(Object.values(server.stats().submissionsByKey)).toEqual([1, 1, 1, 1, 1]);
    });
  });

  it('cuts no more requests than it is allowed, leaving the rest pending', async () => {
    await withPlannedProject(async ({ context, stage }) => {
      const jobs = await shardStage(context, stage, context.clock.now(), { maxJobs: Infinity, maxRequests: 3 });
      expect(jobs.map((job) => job.request_count)).toEqual([2, 1]);
      expect(context.ledger.requestCounts(stage.name)).toMatchObject({ pending: 2, in_job: 3 });
    });
  });
});

/** Five documents planned (two requests per job at most) against a fresh emulator; the project is closed after `use`. */
async function withPlannedProject(
  use: (planned: { project: string; context: EngineContext; stage: StageConfig; server: Awaited<ReturnType<typeof emulator>>['server'] }) => Promise<void>,
): Promise<void> {
  const project = makeProject({ count: 5, extraYaml: 'sharding: { maxRequestsPerJob: 2, maxBytesPerJob: 1000000 }' });
  const { server, env } = await emulator();
  const config = await loadProjectConfig({ projectDir: project, env });
  const opened = await openProject(config, { reporter: { notice: () => {}, job: () => {} }, signal: new AbortController().signal });
  try {
    const { context } = opened;
    const [stage] = config.stages;
    if (!stage) throw new Error('the test project has one stage');
    await planStage({ config, ledger: context.ledger, memory: new Map(), mode: 'record' }, stage);
    await use({ project, context, stage, server });
  } finally {
    await opened.close();
  }
}
