/**
 * @module Patience instead of death, on the fake provider: a run rides out a provider that stops answering until
 * `resilience.patienceMs` has passed without any successful call, then stops with exit 8 having lost nothing; the
 * next run finishes the work without submitting anything twice.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../cli/exit-codes.ts';
import { ProviderUnreachableError } from '../shared/index.ts';
import { fakeProjects } from './test-support/fake-project.ts';

const fakeProject = fakeProjects();
const PATIENCE_MS = 10 * 60_000;

describe('a provider that stops answering', () => {
  it('ends the run with exit 8 after the patience, recorded as unhealthy; the next run submits nothing twice', async () => {
    const project = await fakeProject({
      extraYaml: `resilience: { patienceMs: ${PATIENCE_MS}, retry: { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 } }`,
      // The job is created, then every status call fails: the provider is down.
      script: { runMs: 60_000, failures: [{ operation: 'getJob', times: 1_000_000 }] },
    });
    const error: unknown = await project.run().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnreachableError);
    const unreachable = error as ProviderUnreachableError;
    expect(unreachable.exitCode).toBe(ExitCode.providerUnreachable);
    expect(unreachable.message).toContain(`unreachable since ${new Date(unreachable.since).toISOString()}`);
    expect(unreachable.message).toMatch(/Nothing is lost.*`truebatch run` again/);
    // It waited out the patience from the last answer, and not much longer.
    expect(project.clock.now() - unreachable.since).toBeGreaterThanOrEqual(PATIENCE_MS);
    expect(project.clock.now() - unreachable.since).toBeLessThan(PATIENCE_MS + 60_000);
    expect(project.read((ledger) => ledger.providerHealth.state().unhealthySince)).toBe(unreachable.since);
    expect(project.read((ledger) => ledger.providerHealth.retryCounts()[0])).toMatchObject({ endpoint: 'getJob', status: '503' });
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ in_job: 4, valid: 0 });

    project.service.recover();
    const outcome = await project.run();
    expect(project.read((ledger) => ledger.requestCounts('extract'))).toMatchObject({ valid: 4, in_job: 0, pending: 0 });
    expect(project.service.stats().calls.createJob).toBe(1);
    expect(Object.values(project.service.stats().jobsByDisplayName)).toEqual([1]);
    expect(project.outputs()).toHaveLength(4);
    expect(outcome.retries).toEqual([]);
    expect(project.read((ledger) => ledger.providerHealth.state().unhealthySince)).toBeUndefined();
  });

  it('rides out an outage shorter than the patience in the same run', async () => {
    const project = await fakeProject({
      extraYaml: `resilience: { patienceMs: ${PATIENCE_MS} }`,
      // 40 failing status calls: about 8 polls of 5 tries each, minutes of outage in all.
      script: { failures: [{ operation: 'getJob', times: 40 }] },
    });
    const outcome = await project.run();
    expect(project.read((ledger) => ledger.requestCounts('extract')).valid).toBe(4);
    expect(outcome.retries).toEqual([{ endpoint: 'getJob', status: '503', count: expect.any(Number) as number }]);
    expect(outcome.retries[0]?.count).toBeGreaterThanOrEqual(32);
  });
});
