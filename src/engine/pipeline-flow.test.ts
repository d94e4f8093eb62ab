/**
 * @module How work flows between runs and stages on the fake provider: a downstream stage takes only valid upstream
 * outputs, changed documents are sent again and unchanged ones are not, a lost output file is restored from the
 * ledger, an interrupted run resumes, and a budget counts the jobs already committed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BudgetError } from '../shared/index.ts';
import type { Failpoint } from './context.ts';
import { runPipeline } from './run-pipeline.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const jobsOf = (project: FakeProject): { stage: string; requests: number }[] =>
  project.read((ledger) => ledger.jobs().map((job) => ({ stage: job.stage, requests: job.request_count })));

describe('stages', () => {
  it('a downstream stage takes only the documents whose upstream output is valid', async () => {
    const project = await fakeProject({
      docs: 3,
      reviewStage: true,
      stageYaml: 'maxAttempts: 1',
      script: { answer: (key) => (key.includes('doc2') ? { text: '{"nope": 1}' } : { text: JSON.stringify({ key }) }) },
    });
    await project.run();
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ valid: 2, given_up: 1 });
    expect(project.read((ledger) => ledger.requestCounts('review'))).toMatchObject({ valid: 2, pending: 0, in_job: 0 });
    expect(project.outputs('review')).toHaveLength(2);
    expect(project.outputs('review').some((name) => name.includes('doc2'))).toBe(false);
    expect(jobsOf(project)).toEqual([{ stage: 'extract', requests: 3 }, { stage: 'review', requests: 2 }]);
  });
});

describe('the provider the engine is handed', () => {
  it('gets requests in its own encoding (the fake: the neutral request), fingerprinted as its work', async () => {
    const seen: unknown[] = [];
    const project = await fakeProject({ docs: 1, script: { answer: (key, request) => (seen.push(request), { text: JSON.stringify({ key }) }) } });
    await project.run();
    expect(seen).toEqual([
      expect.objectContaining({ content: [{ kind: 'text', text: expect.stringContaining('Give this document back as JSON.') as unknown }] }),
    ]);
  });
});

describe('between runs', () => {
  it('sends a changed document again, and only it', async () => {
    const project = await fakeProject();
    await project.run();
    writeFileSync(join(project.dir, 'docs', 'doc1.json'), JSON.stringify({ title: 'Document 1, revised', body: 'new' }));
    await project.run();
    expect(jobsOf(project)).toEqual([{ stage: 'extract', requests: 4 }, { stage: 'extract', requests: 1 }]);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
  });

  it('restores a deleted output file from the ledger without asking the provider again', async () => {
    const project = await fakeProject();
    await project.run();
    const outputs = project.outputs();
    rmSync(join(project.dir, 'outputs', 'extract', outputs[0] ?? ''));
    await project.run();
    expect(project.outputs()).toEqual(outputs);
    expect(project.service.stats().calls.createJob).toBe(1);
  });

  it('an interrupted run (the signal aborts while polling) resumes without creating the job again', async () => {
    const project = await fakeProject({ script: { runMs: 60_000 } });
    const opened = await project.open();
    const interrupt = new AbortController();
    const abortAt = (point: Failpoint): void => {
      if (point === 'while-polling') interrupt.abort(new Error('interrupted'));
    };
    try {
      await expect(runPipeline({ ...opened.context, signal: interrupt.signal, failpoint: abortAt }, project.config.stages)).rejects.toThrow('interrupted');
    } finally {
      await opened.close();
    }
    expect(project.read((ledger) => ledger.requestCounts('extract')).in_job).toBe(4);
    await project.run();
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
    expect(project.service.stats().calls.createJob).toBe(1);
  });
});

describe('budgets across jobs', () => {
  it('counts the jobs already committed: the job that would pass the cap is not uploaded', async () => {
    const probe = await fakeProject({ limits: { maxRequestsPerJob: 2 } });
    await probe.run({ detach: true });
    const [first] = probe.read((ledger) => ledger.jobs());
    const perJob = first?.estimated_usd ?? 0;
    expect(perJob).toBeGreaterThan(0);
    // Room for one job and a half: the first is submitted, the second would pass the cap.
    const project = await fakeProject({ limits: { maxRequestsPerJob: 2 }, extraYaml: `budget: { maxUsd: ${perJob * 1.5} }` });
    await expect(project.run()).rejects.toBeInstanceOf(BudgetError);
    expect(project.service.stats().calls).toMatchObject({ uploadFile: 1, createJob: 1 });
  });
});
