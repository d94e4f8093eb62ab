import { describe, expect, it } from 'vitest';
import { fakeProjects } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();

describe('a run on the fake provider', () => {
  it('makes every request valid from one job', async () => {
    const project = await fakeProject();
    const outcome = await project.run();
    expect(outcome.stages[0]).toMatchObject({ stage: 'extract' });
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ valid: 4, pending: 0, in_job: 0 });
    expect(project.service.stats().calls.createJob).toBe(1);
  });
});

describe('timing probe', () => {
  it('second run', async () => {
    const project = await fakeProject();
    await project.run();
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
  });
});
