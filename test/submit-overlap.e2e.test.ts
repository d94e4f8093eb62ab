/**
 * @module Submitting while collecting: the work a run does while an input file uploads (collecting finished jobs)
 * can fail without losing the upload or blaming the job it ran beside. Real emulator, real ledger, the engine's
 * own steps.
 */
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../src/config/index.ts';
import { openProject } from '../src/engine/index.ts';
import { planStage } from '../src/engine/plan-stage.ts';
import { shardStage } from '../src/engine/shard-stage.ts';
import { submitJobs } from '../src/engine/submit-jobs.ts';
import { ProviderError } from '../src/shared/index.ts';
import { emulatorPerTest } from './support/emulator.ts';
import { makeProject } from './support/project.ts';

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
      expect(await submitJobs(context, [stage])).toBe(1);
      expect(server.stats().batchesCreated).toBe(2);
      expect(Object.values(server.stats().submissionsByKey)).toEqual([1, 1, 1, 1]);
    } finally {
      await opened.close();
    }
  });
});
