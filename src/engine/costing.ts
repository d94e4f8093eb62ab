/**
 * @module Money in the run: calibrated token estimates, the reservation a job makes when it is submitted, the
 * budgets that stop submission before they are exceeded, and the actual cost (and calibration) once a job is
 * collected. Batch prices come from the price table; the provider's own token counts are the truth.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { applyCalibration, costOfUsage, estimateCost, formatUsd, updateCalibration, type PriceTable } from '../cost/index.ts';
import type { JobRow, Ledger } from '../ledger/index.ts';
import { BudgetError } from '../shared/index.ts';

/** Raw estimates scaled by what this model's real token counts have been so far. */
export function calibrated(ledger: Ledger, model: string, raw: { input: number; output: number }): { input: number; output: number } {
  return {
    input: applyCalibration(raw.input, ledger.costs.calibration(`${model}:input`)?.ratio),
    output: applyCalibration(raw.output, ledger.costs.calibration(`${model}:output`)?.ratio),
  };
}

/** The estimated batch cost of a job's requests. */
export function estimateJobUsd(ledger: Ledger, prices: PriceTable, job: JobRow): number {
  const tokens = calibrated(ledger, job.model, ledger.costs.jobEstimatedTokens(job.id));
  return estimateCost(tokens, prices.priceFor(job.model)).batchUsd;
}

/**
 * Reserves a job's estimated cost, or throws {@link BudgetError} (exit 4) when it would take committed spend
 * over the project's or the stage's `budget.maxUsd`. Committed spend counts every job ever submitted in this
 * project, so a later run with a higher budget continues where this one stopped.
 */
export function reserveBudget(
  input: { ledger: Ledger; prices: PriceTable; config: ProjectConfig },
  stage: StageConfig | undefined,
  job: JobRow,
): number {
  const { ledger, config } = input;
  const cost = job.estimated_usd ?? estimateJobUsd(ledger, input.prices, job);
  const limits: [string, number | undefined, number][] = [
    ['project', config.budget.maxUsd, ledger.costs.committedUsd()],
    [`stage ${job.stage}`, stage?.budget.maxUsd, ledger.costs.committedUsd(job.stage)],
  ];
  for (const [scope, max, committed] of limits) {
    if (max !== undefined && committed + cost > max) {
      const waiting = ledger.jobs({ states: ['planned', 'uploading', 'uploaded'] });
      const inJobs = waiting.reduce((sum, waitingJob) => sum + waitingJob.request_count, 0);
      // Stages are cut into jobs one at a time, so most of what is left may not be in a job yet.
      const notCut = config.stages.reduce((sum, { name }) => sum + ledger.requestCounts(name).pending, 0);
      throw new BudgetError(
        `budget: the ${scope} budget is ${formatUsd(max)}; ${formatUsd(committed)} is already committed and job ` +
          `${job.display_name} would add about ${formatUsd(cost)}. ${inJobs + notCut} request(s) remain unsubmitted ` +
          `(${inJobs} in ${waiting.length} job(s), ${notCut} not yet in a job); raise budget.maxUsd and run again to continue.`,
      );
    }
  }
  return cost;
}

/** Records a collected job's actual batch cost, and learns how far the token estimates were off. */
export function settleJobCost(ledger: Ledger, prices: PriceTable, job: JobRow): number {
  const price = prices.priceFor(job.model);
  let usd = 0;
  const estimated = { input: 0, output: 0 };
  const actual = { input: 0, output: 0 };
  for (const attempt of ledger.costs.jobUsage(job.id)) {
    if (attempt.promptTokens === null) continue;
    const usage = {
      promptTokens: attempt.promptTokens,
      outputTokens: attempt.outputTokens ?? 0,
      thoughtsTokens: attempt.thoughtsTokens ?? 0,
      cachedTokens: attempt.cachedTokens ?? 0,
      totalTokens: attempt.totalTokens ?? 0,
    };
    usd += costOfUsage(usage, price).batchUsd;
    estimated.input += attempt.estimatedInputTokens ?? 0;
    estimated.output += attempt.estimatedOutputTokens ?? 0;
    actual.input += usage.promptTokens;
    actual.output += usage.outputTokens + usage.thoughtsTokens;
  }
  for (const side of ['input', 'output'] as const) {
    if (estimated[side] > 0 && actual[side] > 0) {
      const key = `${job.model}:${side}`;
      ledger.costs.saveCalibration(key, updateCalibration(ledger.costs.calibration(key), estimated[side], actual[side]));
    }
  }
  return usd;
}
