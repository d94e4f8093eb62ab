/**
 * @module One-shot commands on submitted work: collect what has finished without waiting or submitting, and
 * cancel live jobs (then collect whatever partial results they have).
 */
import type { StageConfig } from '../config/index.ts';
import { LIVE_REMOTE_STATES } from '../ledger/index.ts';
import { collectJobs } from './collect-jobs.ts';
import type { EngineContext } from './context.ts';
import { consolidateEmbeddingStages } from './embedding-outputs.ts';
import { summarizeStages, type StageSummary } from './summary.ts';
import { pollLiveJobsOnce } from './watch-jobs.ts';

/** Polls live jobs once and collects every finished one. Submits nothing. */
export async function collectFinished(context: EngineContext, stages: readonly StageConfig[]): Promise<StageSummary[]> {
  const names = stages.map((stage) => stage.name);
  await pollLiveJobsOnce(context, names);
  await collectJobs(context, stages);
  consolidateEmbeddingStages(context, stages);
  return summarizeStages(context.ledger, stages, context.prices);
}

/** The live jobs `cancelJobs` would cancel. */
export function liveJobs(context: EngineContext, stages: readonly StageConfig[]): { displayName: string; remoteName: string; stage: string }[] {
  const names = stages.map((stage) => stage.name);
  return context.ledger
    .jobs({ states: LIVE_REMOTE_STATES })
    .filter((job) => names.includes(job.stage) && job.remote_name !== null)
    .map((job) => ({ displayName: job.display_name, remoteName: job.remote_name ?? '', stage: job.stage }));
}

/**
 * Asks the provider to cancel every live job of `stages`, then polls and collects: lines that finished before
 * the cancel are kept, the rest go back for a new attempt on the next run.
 */
export async function cancelJobs(context: EngineContext, stages: readonly StageConfig[]): Promise<StageSummary[]> {
  for (const job of liveJobs(context, stages)) {
    await context.providerFor(job.stage).cancelJob(job.remoteName);
    context.ledger.addEvent('job-cancel-requested', `${job.displayName} (${job.remoteName})`);
    context.reporter.notice(`cancel requested: ${job.displayName} (${job.remoteName})`);
  }
  return collectFinished(context, stages);
}
