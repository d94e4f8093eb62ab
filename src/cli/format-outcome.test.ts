import { describe, expect, it } from 'vitest';
import type { StageSummary } from '../engine/index.ts';
import { costText, failuresText, formatRunExplanation, repairFieldsText, repairsText } from './format-outcome.ts';

function summary(stage: string, overrides: Partial<StageSummary> = {}): StageSummary {
  return {
    stage, outputDir: `/nowhere/outputs/${stage}`, requests: 3, valid: 3, pending: 0, inJob: 0, givenUp: 0, cached: 0,
    waitingOnUpstream: 0, blockedByUpstream: 0, excluded: 0, invalidDocuments: 0, jobs: { total: 1, live: 0, collected: 1 },
    attempts: 3, tokens: { prompt: 0, output: 0, thoughts: 0 }, cost: { kind: 'priced', batchUsd: 0.01, standardUsd: 0.02, savingUsd: 0.01 },
    repairs: [], repairFields: [], failures: [], givenUpRequests: [], corpusIssues: [], missingPlaceholders: [], ...overrides,
  };
}

describe('the run explanation', () => {
  it('prices against the interactive price with the share saved, or says why the cost is unknown', () => {
    expect(costText({ kind: 'priced', batchUsd: 0.028, standardUsd: 0.0559, savingUsd: 0.0279 }))
      .toBe('$0.028 at the batch price, $0.0559 for the same tokens at the interactive price: saved $0.0279 (50%)');
    expect(costText({ kind: 'priced', batchUsd: 0, standardUsd: 0, savingUsd: 0 }))
      .toBe('$0.00 at the batch price, $0.00 for the same tokens at the interactive price: saved $0.00');
    expect(costText({ kind: 'unknown', reasons: ['no price for model acme'] })).toBe('unknown (no price for model acme)');
  });

  it('counts repairs by kind and failures by reason, split into resubmitted and not', () => {
    expect(repairsText({ repairs: [] })).toBe('none');
    expect(repairsText({ repairs: [{ kind: 'alias', attempts: 4 }, { kind: 'prose', attempts: 1 }] })).toBe('4 alias renamed, 1 prose around JSON stripped');
    expect(failuresText({ failures: [] })).toEqual({ resubmitted: 'none', notResubmitted: undefined });
    expect(failuresText({ failures: [
      { kind: 'provider-error', attempts: 3, resubmitted: 2 },
      { kind: 'unparseable', attempts: 1, resubmitted: 1 },
      { kind: 'required', attempts: 1, resubmitted: 0 },
    ] })).toEqual({
      resubmitted: '2 provider error on the line, 1 invalid JSON',
      notResubmitted: '1 provider error on the line, 1 missing field',
    });
  });

  it('names the fields repaired or broken, most frequent first, and says nothing when there are none', () => {
    expect(repairFieldsText({ repairFields: [] })).toBeUndefined();
    expect(repairFieldsText({ repairFields: [
      { kind: 'alias', field: '/quantitative_findings', attempts: 6 },
      { kind: 'required', field: '/conclusions', attempts: 2 },
      { kind: 'not-object', field: '', attempts: 1 },
    ] })).toBe('alias renamed /quantitative_findings ×6, missing field /conclusions ×2, not a JSON object (root) ×1');
    const explained = formatRunExplanation([summary('s', { repairFields: [{ kind: 'schema', field: '/findings/*/value', attempts: 3 }] })]);
    expect(explained.split('\n').at(-1)).toBe('  by field: schema failure /findings/*/value ×3');
  });

  it('names each stage\'s output folder, then its cost, repairs and retries, and the total for more than one stage', () => {
    const one = summary('extract', { repairs: [{ kind: 'fence', attempts: 2 }], failures: [{ kind: 'truncated', attempts: 1, resubmitted: 1 }] });
    expect(formatRunExplanation([one])).toBe([
      'extract: 3 valid output(s) in /nowhere/outputs/extract',
      '  cost: $0.01 at the batch price, $0.02 for the same tokens at the interactive price: saved $0.01 (50%)',
      '  repaired answers: 2 code fence stripped',
      '  resubmitted after: 1 truncated (max tokens)',
    ].join('\n'));
    const two = formatRunExplanation([one, summary('summarise', { failures: [{ kind: 'blocked', attempts: 2, resubmitted: 0 }] })]);
    expect(two).toContain('summarise: 3 valid output(s) in /nowhere/outputs/summarise\n');
    expect(two).toContain('  resubmitted after: none\n  failed, not resubmitted: 2 blocked (safety)\n');
    expect(two.split('\n').at(-1)).toBe('Total cost: $0.02 at the batch price, $0.04 for the same tokens at the interactive price: saved $0.02 (50%)');
    const unknown = formatRunExplanation([one, summary('x', { cost: { kind: 'unknown', reasons: ['no price for model acme'] } })]);
    expect(unknown.split('\n').at(-1)).toBe('Total cost: unknown (no price for model acme)');
  });
});
