/**
 * @module How failed requests go back to the provider, on the fake: together in one new job, never while the job
 * that holds them is still live, at most `maxAttempts` times, and a passed canary's requests never again.
 */
import { describe, expect, it } from 'vitest';
import type { JobState, RequestRow } from '../ledger/index.ts';
import type { Failpoint } from './context.ts';
import { runPipeline } from './run-pipeline.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const UNCOLLECTED: JobState[] = ['planned', 'uploading', 'uploaded', 'creating', 'submitted', 'pending', 'running', 'succeeded', 'failed', 'cancelled', 'expired', 'lost'];
const counts = (project: FakeProject): Record<RequestRow['state'], number> => project.read((ledger) => ledger.requestCounts('extract'));
const jobSizes = (project: FakeProject): number[] => project.read((ledger) => ledger.jobs().map((job) => job.request_count));
const keysOfJob = (project: FakeProject, index: number): string[] =>
  project.read((ledger) => [...ledger.jobAttempts(ledger.jobs()[index]?.id ?? 0).keys()].sort());

/** A model that answers with a per-line error the first time it sees each key matching `failing`. */
function failsOnceFor(failing: RegExp): (key: string) => { text: string } | { error: { code: number; message: string } } {
  const seen = new Set<string>();
  return (key) => {
    if (!failing.test(key) || seen.has(key)) return { text: JSON.stringify({ key }) };
    seen.add(key);
    return { error: { code: 500, message: 'internal' } };
  };
}

describe('retries', () => {
  it('three failed lines go back together in one new job, never one job each', async () => {
    const project = await fakeProject({ script: { answer: failsOnceFor(/doc[123]/) } });
    await project.run();
    expect(jobSizes(project)).toEqual([4, 3]);
    expect(keysOfJob(project, 1).map((key) => /doc\d/.exec(key)?.[0])).toEqual(['doc1', 'doc2', 'doc3']);
    expect(counts(project).valid).toBe(4);
  });

  it('a retry job is created only once the job holding its requests has ended: never two live jobs for one request', async () => {
    const project = await fakeProject({
      limits: { maxRequestsPerJob: 2 },
      script: { jobs: [{ displayNameContains: 'extract-1', outcome: 'expired', completedLines: 1, runMs: 5000 }], answer: failsOnceFor(/doc3/) },
    });
    const overlaps: string[] = [];
    const opened = await project.open();
    const checkLiveJobs = (point: Failpoint): void => {
      if (point !== 'after-create') return;
      // Every job not yet collected still holds its requests: no two of them may hold the same one.
      const live = project.read((ledger) => ledger.jobs({ states: UNCOLLECTED }).map((job) => [...ledger.jobAttempts(job.id).keys()]));
      const all = live.flat();
      if (new Set(all).size !== all.length) overlaps.push(all.join(','));
    };
    try {
      await runPipeline({ ...opened.context, failpoint: checkLiveJobs }, project.config.stages);
    } finally {
      await opened.close();
    }
    expect(overlaps).toEqual([]);
    // Two shards, then the expired shard's unanswered request and doc3's failed line: each once more.
    expect(jobSizes(project).length).toBeGreaterThanOrEqual(3);
    expect(counts(project)).toMatchObject({ valid: 4, in_job: 0 });
    expect(project.service.jobs().filter((job) => !['succeeded', 'failed', 'expired', 'cancelled'].includes(job.state))).toEqual([]);
  });

  it('a line that keeps failing is given up after maxAttempts, with the provider’s error as its reason', async () => {
    const project = await fakeProject({
      stageYaml: 'maxAttempts: 2',
      script: { answer: (key) => (key.includes('doc2') ? { error: { code: 429, message: 'quota for doc2' } } : { text: JSON.stringify({ key }) }) },
    });
    await project.run();
    expect(jobSizes(project)).toEqual([4, 1]);
    expect(counts(project)).toMatchObject({ valid: 3, given_up: 1, pending: 0, in_job: 0 });
    const [givenUp] = project.read((ledger) => ledger.givenUpRequests('extract'));
    expect(givenUp?.attempts).toBe(2);
    expect(givenUp?.last_reason).toContain('quota for doc2');
  });

  it('a given-up request is not sent again by the next run of an unchanged project', async () => {
    const project = await fakeProject({ stageYaml: 'maxAttempts: 1', script: { answer: failsOnceFor(/doc4/) } });
    await project.run();
    expect(counts(project)).toMatchObject({ valid: 3, given_up: 1 });
    await project.run();
    expect(jobSizes(project)).toEqual([4]);
    expect(project.service.stats().calls.createJob).toBe(1);
    expect(counts(project)).toMatchObject({ valid: 3, given_up: 1 });
  });
});

describe('canary', () => {
  it('the requests of a passed canary are not sent again: the rest of the stage goes without them', async () => {
    const project = await fakeProject({ docs: 5, stageYaml: 'canary: { size: 2, minValidRate: 1 }' });
    await project.run();
    expect(jobSizes(project)).toEqual([2, 3]);
    const canary = keysOfJob(project, 0);
    expect(keysOfJob(project, 1).filter((key) => canary.includes(key))).toEqual([]);
    expect(counts(project).valid).toBe(5);
  });

  it('a canary at exactly its valid rate passes (the rate is a minimum, not a bar to clear)', async () => {
    // Of the two canary documents (doc4 and doc5, the largest), doc5 is invalid: a valid rate of exactly 0.5.
    const project = await fakeProject({
      docs: 5,
      stageYaml: 'canary: { size: 2, minValidRate: 0.5 }\nmaxAttempts: 1',
      script: { answer: (key) => (key.includes('doc5') ? { text: '{"nope": 1}' } : { text: JSON.stringify({ key }) }) },
    });
    await project.run();
    expect(jobSizes(project)).toEqual([2, 3]);
    expect(counts(project)).toMatchObject({ valid: 4, given_up: 1 });
  });
});
