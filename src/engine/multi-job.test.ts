/**
 * @module Several jobs at once on the fake provider: exactly-once across shards after a crash or lost replies, the
 * canary's sample, and the one-shot collect and poll cadence.
 */
import { describe, expect, it } from 'vitest';
import { collectFinished } from './collect-and-cancel.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const HOUR = 3_600_000;

function expectOneRemoteJobPerShard(project: FakeProject, shards: number): void {
  const created = project.service.stats().jobsByDisplayName;
  expect(Object.keys(created)).toHaveLength(shards);
  expect(Object.values(created).every((count) => count === 1)).toBe(true);
}

describe('several shards', () => {
  it('a crash while polling three jobs leaves one remote job per shard and every request valid', async () => {
    const project = await fakeProject({ docs: 5, limits: { maxRequestsPerJob: 2 }, script: { runMs: 10_000 } });
    await project.crashAt('while-polling');
    await project.run();
    expectOneRemoteJobPerShard(project, 3);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(5);
    expect(project.outputs()).toHaveLength(5);
  });

  it('every create reply lost: each shard is reconciled by its own display name, none created twice', async () => {
    const project = await fakeProject({ docs: 5, limits: { maxRequestsPerJob: 2 }, script: { jobs: [{ displayNameContains: 'tb-', loseCreateReply: true }] } });
    await project.run();
    expectOneRemoteJobPerShard(project, 3);
    expect(project.service.stats().calls.createJob).toBe(3);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(5);
  });

  it('the first job is submitted while later documents are still planned, and a crash then submits nothing twice', async () => {
    const project = await fakeProject({ docs: 5, limits: { maxRequestsPerJob: 2 } });
    await project.crashAt('after-upload');
    // The first job (two documents) was cut and uploaded before planning had recorded the other three.
    const recorded = project.read((ledger) => Object.values(ledger.requestCounts('extract')).reduce((sum, n) => sum + n, 0));
    expect(recorded).toBeLessThan(5);
    expect(project.read((ledger) => ledger.jobs())).toHaveLength(1);
    await project.run();
    expectOneRemoteJobPerShard(project, 3);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(5);
    expect(project.outputs()).toHaveLength(5);
  });

  it("a canary samples the stage's largest documents", async () => {
    const project = await fakeProject({ docs: 5, stageYaml: 'canary: { size: 2, minValidRate: 1 }' });
    await project.run();
    const canaryKeys = project.read((ledger) => [...ledger.jobAttempts(ledger.jobs()[0]?.id ?? 0).keys()]);
    // doc5 and doc4 have the longest bodies.
    expect(canaryKeys.map((key) => /doc\d/.exec(key)?.[0]).sort()).toEqual(['doc4', 'doc5']);
  });
});

describe('collecting without running', () => {
  it('`collect` polls once and collects a finished job, submitting nothing and waiting for nothing', async () => {
    const project = await fakeProject({ script: { runMs: HOUR } });
    await project.run({ detach: true });
    const slept = project.clock.slept();
    const opened = await project.open();
    try {
      await collectFinished(opened.context, project.config.stages);
      expect(project.read((ledger) => ledger.requestCounts('extract')).in_job).toBe(4);
      project.clock.advance(HOUR);
      await collectFinished(opened.context, project.config.stages);
    } finally {
      await opened.close();
    }
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
    expect(project.clock.slept()).toBe(slept);
    expect(project.service.stats().calls).toMatchObject({ createJob: 1, getJob: 2 });
  });

  it('a job shorter than the first poll interval is polled once', async () => {
    const project = await fakeProject({ script: { runMs: 500 } });
    await project.run();
    expect(project.service.stats().calls.getJob).toBe(1);
  });

  it('a result file that expired before collection counts its requests missing and sends them again', async () => {
    const project = await fakeProject();
    await project.run({ detach: true });
    project.clock.advance(49 * HOUR);
    await project.run();
    expect(project.read((ledger) => ledger.jobs().map((job) => job.request_count))).toEqual([4, 4]);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
    expect(project.service.stats().calls.downloadResults).toBe(1);
  });
});
