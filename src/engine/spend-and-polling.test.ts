/**
 * @module Budgets across stages, a cancel that comes too late to matter, and the poll cadence's cap, on the fake
 * provider.
 */
import { describe, expect, it } from 'vitest';
import { BudgetError } from '../shared/index.ts';
import { cancelJobs } from './collect-and-cancel.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const HOUR = 3_600_000;

/** Answers far longer than estimated, so what extract really spent is most of a budget. */
const longAnswers = (key: string): { text: string } => ({ text: JSON.stringify({ key, notes: 'x'.repeat(4000) }) });

/** What a two-stage project's jobs are estimated at and what extract really cost, from a run with no budget. */
async function twoStageSpend(): Promise<{ extractEstimate: number; extractActual: number; reviewEstimate: number }> {
  const probe = await fakeProject({ reviewStage: true, script: { answer: longAnswers } });
  await probe.run();
  const [extract, review] = probe.read((ledger) => ledger.jobs());
  return { extractEstimate: extract?.estimated_usd ?? 0, extractActual: extract?.actual_usd ?? 0, reviewEstimate: review?.estimated_usd ?? 0 };
}

const jobStages = (project: FakeProject): string[] => project.read((ledger) => ledger.jobs().map((job) => job.stage));

describe('budgets across stages', () => {
  it("the project budget counts what upstream stages committed: the downstream job that would pass it is not uploaded", async () => {
    const spend = await twoStageSpend();
    // Room for what extract cost and half of review's estimate: review alone would fit, both do not.
    const maxUsd = spend.extractActual + spend.reviewEstimate / 2;
    expect(spend.extractActual).toBeGreaterThan(0);
    expect(spend.extractEstimate).toBeLessThanOrEqual(maxUsd);
    expect(spend.reviewEstimate).toBeLessThan(maxUsd);
    const project = await fakeProject({ reviewStage: true, extraYaml: `budget: { maxUsd: ${maxUsd} }`, script: { answer: longAnswers } });
    const error: unknown = await project.run().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetError);
    expect((error as BudgetError).message).toMatch(/the project budget/);
    // extract was submitted and collected; review never reached the provider.
    expect(jobStages(project).filter((stage) => stage === 'extract')).toEqual(['extract']);
    expect(project.read((ledger) => ledger.jobs({ stage: 'review' }).filter((job) => job.state !== 'planned'))).toEqual([]);
    expect(project.service.stats().calls).toMatchObject({ uploadFile: 1, createJob: 1 });
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
  });
});

describe('cancelling', () => {
  it('cancelling after the job has finished loses nothing: every answer is collected, nothing is sent again', async () => {
    const project = await fakeProject({ script: { runMs: 1000 } });
    await project.run({ detach: true });
    project.clock.advance(5000);
    const opened = await project.open();
    try {
      await cancelJobs(opened.context, project.config.stages);
    } finally {
      await opened.close();
    }
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ valid: 4, pending: 0 });
    await project.run();
    expect(project.service.stats().calls.createJob).toBe(1);
    expect(project.outputs()).toHaveLength(4);
  });
});

describe('poll cadence', () => {
  it('the wait between polls never grows past maxIntervalMs: a 10-hour job is noticed within a minute of ending', async () => {
    const project = await fakeProject({ extraYaml: 'polling: { initialIntervalMs: 1000, maxIntervalMs: 60000 }', script: { runMs: 10 * HOUR } });
    const startedAt = project.clock.now();
    await project.run();
    const [job] = project.read((ledger) => ledger.jobs());
    const lateBy = (job?.finished_at ?? Infinity) - (startedAt + 10 * HOUR);
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThanOrEqual(60_000);
    expect(project.service.stats().calls.getJob).toBeGreaterThanOrEqual(590);
  });
});
