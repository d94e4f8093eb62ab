/**
 * @module Watching and collecting on the fake provider: lost jobs, status errors, staleness, the poll cadence,
 * partial results of expired, failed and cancelled jobs, per-line errors, missing lines and invalid answers, each
 * retried as a new job.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../ledger/index.ts';
import { ProviderError } from '../shared/index.ts';
import { cancelJobs } from './collect-and-cancel.ts';
import { runPipeline } from './run-pipeline.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const HOUR = 3_600_000;

const counts = (project: FakeProject): Record<RequestRow['state'], number> => project.read((ledger) => ledger.requestCounts('extract'));
const jobs = (project: FakeProject): { state: string; requests: number }[] =>
  project.read((ledger) => ledger.jobs().map((job) => ({ state: job.state, requests: job.request_count })));

/** Answers `bad` for keys containing `doc` the first `times` times they are asked, the default answer otherwise. */
function badAtFirst(doc: string, bad: () => ReturnType<NonNullable<Parameters<FakeProject['service']['answerWith']>[0]>>, times = 1) {
  let asked = 0;
  return (key: string) => (key.includes(doc) && asked++ < times ? bad() : { text: JSON.stringify({ key }) });
}

describe('watching jobs', () => {
  it('a job the provider no longer knows (NotFoundError) is recorded lost and its requests go into a new job', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'extract-1', forgetAfterMs: 500 }] } });
    await project.run();
    expect(counts(project)).toMatchObject({ valid: 4, pending: 0 });
    // The lost job is then collected as lost: none of its requests had an answer.
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 4 }]);
    expect(project.notices.filter((notice) => notice.includes('no longer knows this job'))).toHaveLength(1);
    expect(project.service.stats().calls.downloadResults).toBe(1);
  });

  it('a 404 that is not the typed NotFoundError does not make a job lost: the run stops with it', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'getJob', retryable: false, status: 404 }] } });
    await expect(project.run()).rejects.toBeInstanceOf(ProviderError);
    expect(jobs(project)).toEqual([{ state: 'submitted', requests: 4 }]);
  });

  it('a failing status check is retried by the retry policy, then at the next poll, and the job is still collected', async () => {
    // 5 tries per call: the first poll fails after 4 retries, the next succeeds after 2.
    const project = await fakeProject({ script: { failures: [{ operation: 'getJob', times: 7 }] } });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(project.notices.filter((notice) => notice.includes('status check failed'))).toHaveLength(1);
    expect(project.read((ledger) => ledger.providerHealth.retryCounts())).toEqual([{ endpoint: 'getJob', status: '503', count: 6 }]);
  });

  it('says once that a job is stale, and never cancels it', async () => {
    const project = await fakeProject({
      extraYaml: 'polling: { initialIntervalMs: 1000, maxIntervalMs: 600000, staleAfterMs: 3600000 }',
      script: { pendingMs: 3 * HOUR },
    });
    await project.run();
    expect(project.notices.filter((notice) => notice.includes('has been PENDING for') && notice.includes('stale'))).toHaveLength(1);
    expect(project.service.stats().calls.cancelJob).toBe(0);
    expect(counts(project).valid).toBe(4);
  });

  it('notices a 10-hour job within 10% of its run time, in a bounded number of polls', async () => {
    const project = await fakeProject({ extraYaml: 'polling: { initialIntervalMs: 1000, maxIntervalMs: 3600000 }', script: { runMs: 10 * HOUR } });
    const startedAt = project.clock.now();
    await project.run();
    const [job] = project.read((ledger) => ledger.jobs());
    const lateBy = (job?.finished_at ?? Infinity) - (startedAt + 10 * HOUR);
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThanOrEqual(HOUR);
    expect(project.service.stats().calls.getJob).toBeLessThan(150);
  });
});

describe('collecting partial results', () => {
  it('an expired job keeps its finished answers; the rest are retried in a new job', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'extract-1', outcome: 'expired', completedLines: 2 }] } });
    await project.run();
    expect(counts(project)).toMatchObject({ valid: 4, given_up: 0 });
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 2 }]);
    const reasons = project.read((ledger) => [...ledger.jobAttempts(1).keys()].map((key) => ledger.requestByKey('extract', key)?.attempts));
    expect(reasons.sort()).toEqual([1, 1, 2, 2]);
  });

  it('a failed job keeps its finished answers too', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'extract-1', outcome: 'failed', completedLines: 1 }] } });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 3 }]);
  });

  it('an expired job with no results sends all its requests again', async () => {
    const project = await fakeProject({ script: { jobExpiryMs: 10_000, jobs: [{ displayNameContains: 'extract-1', outcome: 'stuck' }] } });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 4 }]);
    expect(project.service.stats().calls.downloadResults).toBe(1);
  });

  it('a job that failed outright sends all its requests again, and gives them up after maxAttempts', async () => {
    const project = await fakeProject({ stageYaml: 'maxAttempts: 2', script: { jobs: [{ displayNameContains: 'extract-', outcome: 'failed' }] } });
    await project.run();
    expect(counts(project)).toMatchObject({ valid: 0, given_up: 4, pending: 0, in_job: 0 });
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 4 }]);
    const reasons = project.read((ledger) => ledger.givenUpRequests('extract').map((request) => request.last_reason));
    expect(reasons.every((reason) => reason?.includes('job failed (13: the fake job failed (scripted))'))).toBe(true);
  });

  it('cancelling a job that had processed nothing sends all its requests again on the next run', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'extract-1', outcome: 'stuck' }] } });
    await project.run({ detach: true });
    const opened = await project.open();
    try {
      await cancelJobs(opened.context, project.config.stages);
    } finally {
      await opened.close();
    }
    expect(counts(project)).toMatchObject({ valid: 0, pending: 4 });
    await project.run();
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 4 }]);
    expect(counts(project).valid).toBe(4);
  });

  it('a cancelled job keeps what finished before the cancel; the next run sends the rest', async () => {
    const project = await fakeProject({ script: { runMs: 1000 } });
    await project.run({ detach: true });
    project.clock.advance(500);
    const opened = await project.open();
    try {
      await cancelJobs(opened.context, project.config.stages);
    } finally {
      await opened.close();
    }
    expect(counts(project)).toMatchObject({ valid: 2, pending: 2 });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 2 }]);
  });
});

describe('retries as new jobs', () => {
  it('a per-line error is retried alone in a new job', async () => {
    const project = await fakeProject({ script: { answer: badAtFirst('doc2', () => ({ error: { code: 500, message: 'internal' } })) } });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 1 }]);
  });

  it('a line missing from the results is retried alone in a new job', async () => {
    const project = await fakeProject({ script: { answer: badAtFirst('doc3', () => ({ omitted: true })) } });
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(jobs(project)).toEqual([{ state: 'collected', requests: 4 }, { state: 'collected', requests: 1 }]);
  });

  it('an answer that stays invalid is given up after maxAttempts jobs, and the others are kept', async () => {
    const project = await fakeProject({ stageYaml: 'maxAttempts: 3', script: { answer: badAtFirst('doc1', () => ({ text: '{"nope": 1}' }), 99) } });
    await project.run();
    expect(counts(project)).toMatchObject({ valid: 3, given_up: 1 });
    expect(jobs(project).map((job) => job.requests)).toEqual([4, 1, 1]);
    expect(project.outputs()).toHaveLength(3);
  });

  it('the retry of an unparseable answer carries a repair note the first request did not', async () => {
    const requests: string[] = [];
    let asked = 0;
    const project = await fakeProject({
      script: {
        answer: (key, request) => {
          if (!key.includes('doc1')) return { text: JSON.stringify({ key }) };
          requests.push(JSON.stringify(request));
          return asked++ === 0 ? { text: 'not JSON at all' } : { text: JSON.stringify({ key }) };
        },
      },
    });
    await project.run();
    expect(requests).toHaveLength(2);
    expect(requests[0]).not.toContain('Your previous answer could not be used');
    expect(requests[1]).toContain('Your previous answer could not be used');
    expect(counts(project).valid).toBe(4);
  });
});

describe('finishing and resuming', () => {
  it('a detached run leaves the job at the provider; the next run collects it without creating another', async () => {
    const project = await fakeProject();
    const detached = await project.run({ detach: true });
    expect(detached.detached).toBe(true);
    expect(jobs(project)).toEqual([{ state: 'submitted', requests: 4 }]);
    await project.run();
    expect(counts(project).valid).toBe(4);
    expect(project.service.stats().calls.createJob).toBe(1);
  });

  it('running a finished project again submits nothing and writes no new output', async () => {
    const project = await fakeProject();
    await project.run();
    const outputs = project.outputs();
    await project.run();
    expect(project.service.stats().calls).toMatchObject({ createJob: 1, uploadFile: 1 });
    expect(project.outputs()).toEqual(outputs);
  });

  it('deletes the input and result files at the provider after collecting; a failed delete is only reported', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'deleteFile', retryable: false }] } });
    await project.run();
    expect(project.service.stats().calls.deleteFile).toBe(2);
    expect(project.notices.some((notice) => notice.includes('could not delete') && notice.includes('expires on its own'))).toBe(true);
    expect(counts(project).valid).toBe(4);
  });

  it('never deletes a result file the provider says cannot be deleted; the input file still goes', async () => {
    const project = await fakeProject({ script: { undeletableResultFiles: true } });
    await project.run();
    expect(project.service.stats().calls.deleteFile).toBe(1);
    expect(project.notices.some((notice) => notice.includes('could not delete'))).toBe(false);
    expect(counts(project).valid).toBe(4);
  });

  it('runs the engine steps on an opened project: the run loop and the context come from the composition root', async () => {
    const project = await fakeProject();
    const opened = await project.open();
    try {
      const outcome = await runPipeline(opened.context, project.config.stages);
      expect(outcome.detached).toBe(false);
      expect(opened.context.provider.name).toBe('fake');
    } finally {
      await opened.close();
    }
  });
});
