/**
 * @module The run loop: plan, shard, submit, watch, collect, retry — until nothing is left to do. Every step
 * reads its work from the ledger, so a crash anywhere is repaired by running the same command again.
 */
import { LIVE_REMOTE_STATES, UNSUBMITTED_STATES, type JobState } from '../ledger/index.ts';
import { ProviderError } from '../shared/index.ts';
import { collectJobs } from './collect-jobs.ts';
import type { EngineContext } from './context.ts';
import { planStage, type StagePlan } from './plan-stage.ts';
import { shardStage } from './shard-stage.ts';
import { submitJobs } from './submit-jobs.ts';
import { summarizeStages, type StageSummary } from './summary.ts';
import { watchJobs, type PollSchedule } from './watch-jobs.ts';
import type { StageConfig } from '../config/index.ts';

/** How a run ended. */
export interface RunOutcome {
  plans: StagePlan[];
  stages: StageSummary[];
  /** True when `detach` returned with jobs still at the provider. */
  detached: boolean;
}

/** How many passes in a row may fail to submit anything before the run gives up (retryable provider errors). */
const MAX_STALLED_PASSES = 8;

/**
 * Runs the stages to completion (or, with `detach`, until everything is submitted).
 * @throws ConfigError on an expected-count mismatch; ProviderError when the provider keeps refusing.
 */
export async function runPipeline(
  context: EngineContext,
  stages: readonly StageConfig[],
  options: { detach?: boolean } = {},
): Promise<RunOutcome> {
  const names = stages.map((stage) => stage.name);
  const plans: StagePlan[] = [];
  for (const stage of stages) {
    const plan = await planStage(stage, context.ledger);
    plans.push(plan);
    const { requests } = plan;
    context.reporter.notice(
      `${stage.name}: ${plan.documents} documents (${plan.excluded.length} excluded, ${plan.invalid.length} invalid); ` +
        `requests ${requests.new} new, ${requests.changed} changed, ${requests.unchanged} unchanged`,
    );
    for (const bad of plan.invalid) context.reporter.notice(`  invalid ${bad.path}: ${bad.reason}`);
  }
  const schedule: PollSchedule = new Map();
  let stalled = 0;
  for (;;) {
    context.signal.throwIfAborted();
    await collectJobs(context, stages);
    for (const stage of stages) await shardStage(context, stage);
    const submittedBefore = countJobs(context, names, LIVE_REMOTE_STATES);
    await submitJobs(context, names);
    const live = countJobs(context, names, LIVE_REMOTE_STATES);
    const unsubmitted = countJobs(context, names, UNSUBMITTED_STATES);
    if (live === 0 && unsubmitted === 0) break;
    if (options.detach && unsubmitted === 0) {
      return { plans, stages: summarizeStages(context.ledger, names), detached: true };
    }
    if (unsubmitted > 0) {
      stalled = live > submittedBefore ? 0 : stalled + 1;
      if (stalled >= MAX_STALLED_PASSES) {
        throw new ProviderError(context.provider.name, `${unsubmitted} job(s) could not be submitted after ${stalled} tries; run again later`, {
          isRetryable: true,
        });
      }
      if (live === 0) {
        await context.clock.sleep(context.config.polling.initialIntervalMs * 2 ** stalled, context.signal);
        continue;
      }
    }
    await watchJobs(context, names, schedule);
  }
  return { plans, stages: summarizeStages(context.ledger, names), detached: false };
}

function countJobs(context: EngineContext, stages: readonly string[], states: readonly JobState[]): number {
  return context.ledger.jobs({ states }).filter((job) => stages.includes(job.stage)).length;
}
