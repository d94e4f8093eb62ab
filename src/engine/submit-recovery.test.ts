/**
 * @module Exactly-once submission on the fake provider: a crash at each step, a lost create reply, failing uploads
 * and creates. After every repair: one remote job per display name, every request valid, one output per document.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFakeProvider, FakeBatchService, type LostCreate, type RemoteJob } from '../providers/index.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { CreateUndecidedError, ProviderError, ProviderUnreachableError } from '../shared/index.ts';
import type { Failpoint } from './context.ts';
import { fakeProjects, type FakeProject } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();

function expectAllValidOnce(project: FakeProject, docs = 4): void {
  expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ valid: docs, pending: 0, in_job: 0, given_up: 0 });
  expect(Object.values(project.service.stats().jobsByDisplayName).every((count) => count === 1)).toBe(true);
  expect(project.outputs()).toHaveLength(docs);
}

describe('a crash, then the same run again', () => {
  const points: { point: Failpoint; then: (project: FakeProject) => void }[] = [
    // The file is recorded as uploaded: it is not sent again.
    { point: 'after-upload', then: (project) => expect(project.service.stats().calls.uploadFile).toBe(1) },
    // The intent is written, nothing was created: reconciling finds nothing, so it is created once.
    { point: 'after-intent', then: (project) => expect(project.service.stats().calls.createJob).toBe(1) },
    // Created, but the ledger only has the intent: reconciling by display name finds it; no second create.
    {
      point: 'after-create',
      then: (project) => {
        expect(project.service.stats().calls.createJob).toBe(1);
        expect(project.service.stats().calls.findJobsByDisplayName).toBe(1);
      },
    },
    { point: 'while-polling', then: (project) => expect(project.service.stats().calls.createJob).toBe(1) },
    // The half-downloaded file never stood under its final name: it is downloaded again.
    { point: 'while-downloading', then: (project) => expect(project.service.stats().calls.downloadResults).toBe(2) },
    // The complete download is kept; the run collects from it again, without a new download.
    { point: 'while-writing-outputs', then: (project) => expect(project.service.stats().calls.downloadResults).toBe(1) },
  ];
  for (const { point, then } of points) {
    it(`at ${point}: one job, every request valid, one output per document`, async () => {
      const project = await fakeProject();
      await project.crashAt(point);
      await project.run();
      expectAllValidOnce(project);
      expect(project.service.jobs()).toHaveLength(1);
      then(project);
    });
  }
});

describe('a crash later in the run', () => {
  it('at the create of the downstream stage’s job: reconciled, one remote job per display name', async () => {
    const project = await fakeProject({ reviewStage: true });
    await project.crashAt('after-create', { nth: 2 });
    expect(project.read((ledger) => ledger.jobs().map((job) => `${job.stage}:${job.state}`))).toEqual(['extract:collected', 'review:creating']);
    await project.run();
    expect(Object.values(project.service.stats().jobsByDisplayName)).toEqual([1, 1]);
    expect(project.read((ledger) => ledger.requestCounts('review')).valid).toBe(4);
    expect(project.outputs('review')).toHaveLength(4);
  });

  it('at the intent of a retry job: the retry is created once, and the kept answers are not asked again', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'extract-1', outcome: 'expired', completedLines: 3 }] } });
    await project.crashAt('after-intent', { nth: 2 });
    await project.run();
    expectAllValidOnce(project);
    expect(project.read((ledger) => ledger.jobs().map((job) => job.request_count))).toEqual([4, 1]);
  });

  it('between two written outputs: every document ends with exactly one output file', async () => {
    const project = await fakeProject();
    await project.crashAt('while-writing-outputs', { nth: 3 });
    await project.run();
    expectAllValidOnce(project);
  });
});

describe('submitting when the provider fails', () => {
  it('a create whose reply was lost is found by its display name, never created twice', async () => {
    const project = await fakeProject({ script: { jobs: [{ displayNameContains: 'tb-', loseCreateReply: true }] } });
    await project.run();
    expectAllValidOnce(project);
    expect(project.service.stats().calls.createJob).toBe(1);
    expect(project.notices.some((notice) => notice.includes('create failed') && notice.includes('will check and retry'))).toBe(true);
  });

  it('a lost create the provider cannot tell about yet keeps its intent and is looked up again, with what the engine knows; nothing is created meanwhile', async () => {
    const lookups: (LostCreate | undefined)[] = [];
    // A provider whose jobs carry no name (Anthropic) cannot tell until the candidate batches end.
    class UndecidedAtFirst extends FakeBatchService {
      override findJobs(displayName: string, lostCreate?: LostCreate): RemoteJob[] {
        lookups.push(lostCreate);
        if (lookups.length <= 2) throw new CreateUndecidedError(`fake: cannot tell yet whether ${displayName} was created (scripted)`);
        return super.findJobs(displayName, lostCreate);
      }
    }
    const project = await fakeProject({
      createService: (options) => new UndecidedAtFirst(options),
      script: { jobs: [{ displayNameContains: 'tb-', loseCreateReply: true }] },
    });
    await project.run();
    expectAllValidOnce(project);
    expect(project.service.stats().calls.createJob).toBe(1);
    const [job] = project.read((ledger) => ledger.jobs());
    expect(lookups).toEqual([0, 1, 2].map(() => ({ requestCount: 4, notBefore: job?.created_at })));
    expect(project.notices.filter((notice) => notice.includes('cannot tell yet'))).toHaveLength(2);
  });

  it('a create that failed before reaching the provider is created again after finding nothing', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'createJob' }] } });
    await project.run();
    expectAllValidOnce(project);
    expect(project.service.stats().calls).toMatchObject({ createJob: 2, findJobsByDisplayName: 1 });
  });

  it('a refused create stops the run with the provider error; the next run creates the job once', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'createJob', retryable: false }] } });
    await expect(project.run()).rejects.toThrow(/fake createJob\(.+\) failed: HTTP 400 \(scripted\)/);
    expect(project.service.jobs()).toHaveLength(0);
    await project.run();
    expectAllValidOnce(project);
  });

  it('a create refused for a bad line names the line, its request key and the field; the job goes back unsubmitted', async () => {
    const reason = "no such field: 'thinking_config'";
    const project = await fakeProject({
      script: { failures: [{ operation: 'createJob', retryable: false, status: 400, refusedLines: [{ lineNumber: 2, reason }] }] },
    });
    const error: unknown = await project.run().then(() => undefined, (caught: unknown) => caught);
    const [job] = project.read((ledger) => ledger.jobs());
    const secondKey = (JSON.parse(readFileSync(job!.input_path, 'utf8').split('\n')[1]!) as { key: string }).key;
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).isRetryable).toBe(false);
    expect((error as Error).message).toContain(`refused the whole job for a request it does not accept: line 2 (key ${secondKey}): ${reason}`);
    expect((error as Error).message).toContain("Nothing was submitted; the job's requests stay pending.");
    // Tried once, not retried; nothing is lost: the job is back to uploaded with its requests, and the refusal recorded.
    expect(project.service.stats().calls.createJob).toBe(1);
    expect(job).toMatchObject({ state: 'uploaded', remote_name: null });
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ in_job: 4, valid: 0, given_up: 0 });
    await project.run();
    expectAllValidOnce(project);
  });

  it('a failing upload is retried (the run backs off) and the job is created once', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'uploadFile', times: 2 }] } });
    await project.run();
    expectAllValidOnce(project);
    expect(project.service.stats().calls).toMatchObject({ uploadFile: 3, createJob: 1 });
    expect(project.clock.slept()).toBeGreaterThan(0);
  });

  it('a provider that refuses every create, with nothing live, stops the run (exit 8) after the patience; nothing is created', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'createJob', times: 100_000 }] } });
    const error: unknown = await project.run().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnreachableError);
    expect((error as ProviderUnreachableError).exitCode).toBe(ExitCode.providerUnreachable);
    expect((error as ProviderUnreachableError).message).toMatch(/has refused every job .* for 30 min .*Nothing is lost.*truebatch run/);
    expect(project.service.jobs()).toHaveLength(0);
    // Waits doubling from the polling interval, capped at resilience.retry.maxDelayMs, for the 30 minutes' patience.
    expect(project.clock.slept()).toBeGreaterThanOrEqual(1_800_000);
    expect(project.clock.slept()).toBeLessThan(1_800_000 + 60_000);
    expect(project.read((ledger) => ledger.providerHealth.state().unhealthySince)).toBeDefined();
  });

  it('a 429 on create waits and creates later, without a lookup: the provider said no, so nothing was created', async () => {
    const project = await fakeProject({ script: { failures: [{ operation: 'createJob', status: 429, times: 2, retryAfterMs: 20_000 }] } });
    await project.run();
    expectAllValidOnce(project);
    expect(project.service.stats().calls).toMatchObject({ createJob: 3, findJobsByDisplayName: 0 });
    expect(project.notices.filter((notice) => notice.includes('at its limit (asked to wait 20 s); will create it later'))).toHaveLength(2);
    // Each refusal's Retry-After was waited out before the next create.
    expect(project.clock.slept()).toBeGreaterThanOrEqual(40_000);
  });

  it('two remote jobs with the intent’s display name: tracks one, says so, and creates none', async () => {
    const project = await fakeProject();
    await project.crashAt('after-create');
    const [job] = project.read((ledger) => ledger.jobs());
    const duplicate = createFakeProvider({ service: project.service });
    await duplicate.createJob({ model: 'm', inputFile: job?.input_file ?? '', displayName: job?.display_name ?? '' });
    await project.run();
    expect(project.service.stats().calls.createJob).toBe(2);
    expect(project.notices.some((notice) => notice.includes('2 remote jobs carry the display name'))).toBe(true);
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
  });
});
