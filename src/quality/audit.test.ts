import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../cost/index.ts';
import { projectPrices } from '../create-truebatch.ts';
import { calibrated } from '../engine/index.ts';
import { fakeProjects, type FakeProject } from '../engine/test-support/fake-project.ts';
import { BudgetError } from '../shared/index.ts';
import { planAudit, runAudit } from './audit.ts';

const fakeProject = fakeProjects();

/** A project of `docs` documents, run to valid outputs; after the run, the model answers the `changed` (by key order) otherwise. */
async function auditedProject(docs: number, changed: readonly number[] = []): Promise<FakeProject> {
  const project = await fakeProject({ docs });
  const outcome = await project.run();
  expect(outcome.stages[0]?.valid).toBe(docs);
  const keys = project.read((ledger) => ledger.audits.candidates('extract').map((candidate) => candidate.key));
  const other = new Set(changed.map((index) => keys[index]));
  project.service.answerWith((key) => ({ text: JSON.stringify({ key: other.has(key) ? `${key}-other` : key }) }));
  return project;
}

async function audit(project: FakeProject, sample: number, seed = 0) {
  const opened = await project.open();
  try {
    const stage = project.config.stages[0]!;
    return await runAudit(opened.context, { stage, sample, seed });
  } finally {
    await opened.close();
  }
}

describe('runAudit (fake provider)', () => {
  it('asks each sampled request once, compares field by field, and reuses every answer on a re-run', async () => {
    const project = await auditedProject(12, [1, 5, 9]);
    const { plan, summary } = await audit(project, 12);
    expect(plan).toMatchObject({ candidates: 12, sampled: 12, calls: 12, reused: 0 });
    expect(project.service.stats().calls.generate).toBe(12);
    expect(summary).toMatchObject({ calls: 12, compared: 12, reused: 0, failed: 0, invalid: 0 });
    expect(summary.fields).toEqual([expect.objectContaining({ path: '/key', kind: 'exact', agree: 9, n: 12, rate: 0.75 })]);
    expect(summary.overall).toMatchObject({ agree: 9, n: 12 });
    expect(summary.costUsd).toBeGreaterThan(0);

    const again = await audit(project, 12);
    expect(project.service.stats().calls.generate).toBe(12);
    expect(again.plan).toMatchObject({ calls: 0, reused: 12, estimatedUsd: 0 });
    expect(again.summary).toMatchObject({ calls: 12, reused: 12, costUsd: 0, fields: summary.fields });
  });

  it('prices the calls at standard prices from the stored token estimates, and samples reproducibly', async () => {
    const project = await auditedProject(20);
    const stage = project.config.stages[0]!;
    const priceTable = projectPrices(project.config);
    const [first, same, other] = project.read((ledger) => {
      const context = { config: project.config, ledger, prices: priceTable };
      return [planAudit(context, { stage, sample: 5, seed: 4 }), planAudit(context, { stage, sample: 5, seed: 4 }), planAudit(context, { stage, sample: 5, seed: 5 })];
    });
    expect(same.sample.map((each) => each.key)).toEqual(first.sample.map((each) => each.key));
    expect(other.sample.map((each) => each.key)).not.toEqual(first.sample.map((each) => each.key));
    const expected = project.read((ledger) =>
      first.sample.reduce((sum, each) => {
        const tokens = calibrated(ledger, each.model, { input: each.estimatedInputTokens ?? 0, output: each.estimatedOutputTokens ?? 0 });
        return sum + estimateCost(tokens, priceTable.priceFor(each.model)).standardUsd;
      }, 0),
    );
    expect(first.estimatedUsd).toBeCloseTo(expected, 12);
    expect(first.estimatedUsd).toBeGreaterThan(0);
    expect(first).toMatchObject({ sampled: 5, calls: 5, budgets: [], fitsBudget: true });
  });

  it('refuses before any call when the estimate does not fit the budget', async () => {
    const project = await auditedProject(6);
    const opened = await project.open();
    try {
      const { context } = opened;
      // A project budget with what is committed and a hair more: no headroom for the audit's calls.
      const config = { ...context.config, budget: { maxUsd: context.ledger.costs.committedUsd() + 1e-9 } };
      const run = () => runAudit({ ...context, config }, { stage: config.stages[0]!, sample: 6, seed: 0 });
      await expect(run()).rejects.toBeInstanceOf(BudgetError);
      await expect(run()).rejects.toThrow(/would make 6 interactive call\(s\).*nothing was called/);
      expect(context.ledger.audits.latest('extract')).toBeUndefined();
    } finally {
      await opened.close();
    }
    expect(project.service.stats().calls.generate).toBe(0);
  });

  it('records a refused call as failed and asks it again next time; an intent left by a crash is asked again', async () => {
    const project = await auditedProject(4);
    project.service.failNext({ operation: 'generate', retryable: false, status: 400 });
    const first = await audit(project, 4);
    expect(first.summary).toMatchObject({ calls: 4, failed: 1, compared: 3 });
    // A crash between the intent and the answer: the intent stays, with no answer, and is never reused.
    const failedKey = project.read((ledger) => ledger.audits.latest('extract')?.calls.find((call) => call.state === 'failed')?.key);
    project.read((ledger) => {
      const auditId = ledger.audits.start('extract', 0, 4);
      const candidate = ledger.audits.candidates('extract').find((each) => each.key === failedKey)!;
      ledger.audits.intent(auditId, { requestId: candidate.requestId, docId: candidate.docId, key: candidate.key, fingerprint: candidate.fingerprint });
    });
    const second = await audit(project, 4);
    expect(project.service.stats().calls.generate).toBe(5);
    expect(second.summary).toMatchObject({ calls: 4, failed: 0, compared: 4, reused: 3 });
    const db = new Database(project.read((ledger) => ledger.path), { readonly: true });
    try {
      expect(db.prepare("SELECT state, error FROM audit_calls WHERE key = ? ORDER BY id").all(failedKey)).toEqual([
        { state: 'failed', error: expect.stringContaining('HTTP 400') },
        { state: 'failed', error: 'interrupted before its answer was recorded' },
        { state: 'answered', error: null },
      ]);
    } finally {
      db.close();
    }
  });
});
