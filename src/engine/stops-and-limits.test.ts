/**
 * @module Where a run stops before spending, and how jobs are cut, on the fake provider: budgets, canaries, and the
 * provider's declared limits merged with the project's sharding.
 */
import { describe, expect, it } from 'vitest';
import { BudgetError, CanaryError } from '../shared/index.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const jobSizes = (project: FakeProject): number[] => project.read((ledger) => ledger.jobs().map((job) => job.request_count));

describe('budget and canary stops', () => {
  it('a project budget the first job would exceed stops the run before anything is uploaded', async () => {
    const project = await fakeProject({ extraYaml: 'budget: { maxUsd: 0.0000001 }' });
    await expect(project.run()).rejects.toBeInstanceOf(BudgetError);
    expect(project.service.stats().calls).toMatchObject({ uploadFile: 0, createJob: 0 });
  });

  it('a stage budget stops that stage the same way', async () => {
    const project = await fakeProject({ stageYaml: 'budget: { maxUsd: 0.0000001 }' });
    await expect(project.run()).rejects.toBeInstanceOf(BudgetError);
    expect(project.service.stats().calls.uploadFile).toBe(0);
  });

  it('a canary below its valid rate stops the stage after the canary job alone', async () => {
    const project = await fakeProject({ stageYaml: 'canary: { size: 2, minValidRate: 1 }', script: { answer: () => ({ text: '{"nope": 1}' }) } });
    await expect(project.run()).rejects.toBeInstanceOf(CanaryError);
    expect(jobSizes(project)).toEqual([2]);
    expect(project.service.stats().calls.createJob).toBe(1);
  });

  it('a canary that passes lets the rest of the stage go in the next job', async () => {
    const project = await fakeProject({ stageYaml: 'canary: { size: 2, minValidRate: 1 }' });
    await project.run();
    expect(jobSizes(project)).toEqual([2, 2]);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
  });
});

describe("jobs cut within the provider's declared limits", () => {
  it("a provider limit below the project's sharding cuts smaller jobs (the fake refuses larger ones)", async () => {
    const project = await fakeProject({ docs: 5, limits: { maxRequestsPerJob: 2 } });
    await project.run();
    expect(jobSizes(project)).toEqual([2, 2, 1]);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(5);
  });

  it("the project's sharding wins when it is the smaller", async () => {
    const project = await fakeProject({ docs: 3, limits: { maxRequestsPerJob: 3 }, extraYaml: 'sharding: { maxRequestsPerJob: 1 }' });
    await project.run();
    expect(jobSizes(project)).toEqual([1, 1, 1]);
  });
});
