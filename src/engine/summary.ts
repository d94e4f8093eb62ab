/**
 * @module Per-stage summaries read from the ledger: what `run` prints at the end and `status` prints any time.
 */
import type { StageConfig } from '../config/index.ts';
import type { MissingPlaceholder } from '../requests/index.ts';
import { stageDocumentProblems } from './document-problems.ts';
import type { PriceTable } from '../cost/index.ts';
import type { FailureCount, FieldCount, GivenUpRequest, Ledger, RepairCount, RetryCount } from '../ledger/index.ts';
import { actualStageCost, type ActualStageCost } from './actual-cost.ts';

/** One stage's state of play. */
export interface StageSummary {
  stage: string;
  /** Where its valid outputs are written (absolute). */
  outputDir: string;
  requests: number;
  valid: number;
  pending: number;
  inJob: number;
  givenUp: number;
  /** Valid requests served from an earlier identical answer, without a submission. */
  cached: number;
  /** Upstream requests still on their way: their documents enter this stage later. */
  waitingOnUpstream: number;
  /** Upstream requests given up: their documents never enter this stage. */
  blockedByUpstream: number;
  excluded: number;
  invalidDocuments: number;
  jobs: { total: number; live: number; collected: number };
  attempts: number;
  tokens: { prompt: number; output: number; thoughts: number };
  /** What its attempts cost at the batch price, the interactive price of the same tokens, and the saving. */
  cost: ActualStageCost;
  /** Answers by what was repaired so they could be judged (an answer may have more than one kind). */
  repairs: RepairCount[];
  /** Where aliases were renamed, and required fields or schema rules broken, by kind and field. */
  repairFields: FieldCount[];
  /** Failed and invalid attempts by why, with how many were resubmitted: the retries and their reasons. */
  failures: FailureCount[];
  givenUpRequests: GivenUpRequest[];
  corpusIssues: { path: string; kind: string; reason: string }[];
  /** Placeholders (nearly) every document lacks: said once, and left out of the per-document list when displayed. */
  missingPlaceholders: MissingPlaceholder[];
}

/** Reads the summary of each stage; `prices` (the project's) prices the attempts' usage. */
export function summarizeStages(ledger: Ledger, stageConfigs: readonly StageConfig[], prices: PriceTable): StageSummary[] {
  return stageConfigs.map((config) => {
    const stage = config.name;
    const upstream = config.input.kind === 'stage' ? ledger.requestCounts(config.input.stage) : undefined;
    const counts = ledger.requestCounts(stage);
    const jobs = ledger.jobs({ stage });
    const issues = ledger.documents.issues(stage);
    const invalid = issues.filter((issue) => issue.kind === 'invalid');
    const usage = ledger.outcomes.attemptTotals(stage);
    const requests = counts.pending + counts.in_job + counts.valid + counts.given_up;
    return {
      stage,
      outputDir: config.output.dir,
      requests,
      valid: counts.valid,
      pending: counts.pending,
      inJob: counts.in_job,
      givenUp: counts.given_up,
      cached: ledger.outcomes.cachedCount(stage),
      waitingOnUpstream: upstream ? upstream.pending + upstream.in_job : 0,
      blockedByUpstream: upstream ? upstream.given_up : 0,
      excluded: issues.filter((issue) => issue.kind === 'excluded').length,
      invalidDocuments: invalid.length,
      jobs: {
        total: jobs.length,
        live: jobs.filter((job) => job.state !== 'collected').length,
        collected: jobs.filter((job) => job.state === 'collected').length,
      },
      attempts: usage.attempts,
      tokens: { prompt: usage.prompt, output: usage.output, thoughts: usage.thoughts },
      cost: actualStageCost(ledger, stage, prices),
      repairs: ledger.outcomes.repairCounts(stage),
      repairFields: ledger.outcomes.fieldCounts(stage),
      failures: ledger.outcomes.failureCounts(stage),
      givenUpRequests: ledger.outcomes.givenUpRequests(stage),
      corpusIssues: issues,
      missingPlaceholders: stageDocumentProblems(config, requests + invalid.length, invalid)
        .missingPlaceholders,
    };
  });
}

/** Provider calls retried at or after `since` (a run's start; all when unset), by endpoint and status, most first. */
export function summarizeRetries(ledger: Ledger, since?: number): RetryCount[] {
  return ledger.providerHealth.retryCounts(since);
}
