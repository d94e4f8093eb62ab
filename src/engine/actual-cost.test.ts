import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costOfUsage, createPriceTable } from '../cost/index.ts';
import { openLedger, type Ledger } from '../ledger/index.ts';
import { createManualClock } from '../shared/index.ts';
import { actualStageCost, totalCost } from './actual-cost.ts';

const usage = { promptTokens: 1000, outputTokens: 200, thoughtsTokens: 50, cachedTokens: 0, totalTokens: 1250 };

/** One request of `stage` on `model`, answered once with `usage` in a job on the same model. */
function answered(ledger: Ledger, stage: string, model: string): void {
  ledger.upsertRequest({
    stage, docId: 'd', key: `d_${stage}`, fingerprint: `fp-${stage}`, model, requestJson: '{}', maxAttempts: 1,
    lineage: { document: undefined, upstream: [], prompt: { file: undefined, sha256: 'p' }, systemSha256: undefined, model,
      generationConfigSha256: 'g', fingerprint: `fp-${stage}` },
    estimatedInputTokens: 1, estimatedOutputTokens: 1,
  }, undefined);
  const job = ledger.createJob({ stage, displayNamePrefix: 'p', model, inputPath: '/in', sizeBytes: 1, keys: [`d_${stage}`] });
  ledger.recordResult(ledger.attemptInJob(job.id, stage, `d_${stage}`)!.id, { state: 'valid', usage });
}

describe('actualStageCost', () => {
  it('prices each attempt\'s usage at batch and interactive prices, and is unknown, with the reason, for a model without a price', () => {
    const ledger = openLedger(join(mkdtempSync(join(tmpdir(), 'tb-cost-')), 'ledger.db'), createManualClock());
    answered(ledger, 'priced', 'gemini-2.5-flash');
    answered(ledger, 'unpriced', 'acme-llm-7');
    const prices = createPriceTable();
    const expected = costOfUsage(usage, prices.priceFor('gemini-2.5-flash'));
    const priced = actualStageCost(ledger, 'priced', prices);
    expect(priced).toEqual({ kind: 'priced', ...expected });
    const unpriced = actualStageCost(ledger, 'unpriced', prices);
    expect(unpriced).toEqual({ kind: 'unknown', reasons: [expect.stringContaining('no price for model acme-llm-7')] });
    expect(actualStageCost(ledger, 'nothing', prices)).toEqual({ kind: 'priced', batchUsd: 0, standardUsd: 0, savingUsd: 0 });
    expect(totalCost([priced, priced])).toEqual({ kind: 'priced', batchUsd: 2 * expected.batchUsd, standardUsd: 2 * expected.standardUsd,
      savingUsd: 2 * expected.savingUsd });
    expect(totalCost([priced, unpriced])).toEqual(unpriced);
  });
});
