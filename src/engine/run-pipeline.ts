/**
 * @module The run loop: plan, shard, submit, watch, collect, retry — until nothing is left to do. Every step
 * reads its work from the ledger, so a crash anywhere is repaired by running the same command again. Stages run
 * together: a document enters a downstream stage as soon as its upstream output is valid.
 */
import type { StageConfig } from '../config/index.ts';
import { COLLECTABLE_STATES, LIVE_REMOTE_STATES, UNSUBMITTED_STATES, type JobState } from '../ledger/index.ts';
import { ensureFolder } from '../outputs/index.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { describeMissingPlaceholder } from '../requests/index.ts';
import { BudgetError } from '../shared/index.ts';
import { collectJobs } from './collect-jobs.ts';
import { stageDocumentProblems } from './document-problems.ts';
import { consolidateEmbeddingStages } from './embedding-outputs.ts';
import { ResultJudge } from './result-judge.ts';
import type { EngineContext } from './context.ts';
import { ensurePatience, ensureSubmitPatience } from './patience.ts';
import { restoreOutputs } from './restore-outputs.ts';
import { tendCaches } from './cache-lifecycle.ts';
import { planStage, type PlanMemory, type StagePlan } from './plan-stage.ts';
import { shardStage } from './shard-stage.ts';
import { refuseUnsupportedStage } from './stage-context.ts';
import { submitJobs } from './submit-jobs.ts';
import { summarizeRetries, summarizeStages, type StageSummary } from './summary.ts';
import type { RetryCount } from '../ledger/index.ts';
import { pollDueJobs, watchJobs, type PollSchedule } from './watch-jobs.ts';

/** How a run ended. */
export interface RunOutcome {
  /** Every plan that found something: each files stage's once, and each batch of upstream outputs a stage took in. */
  plans: StagePlan[];
  stages: StageSummary[];
  /** True when `detach` returned with jobs still at the provider. */
  detached: boolean;
  /** Provider calls this run retried, by endpoint and status (HTTP status, or `network`). */
  retries: RetryCount[];
}

/**
 * Runs the stages to completion (or, with `detach`, until everything that can be submitted is).
 * @throws ConfigError on an expected-count mismatch; ProviderUnreachableError when the provider has not answered (or
 * has refused every create, with nothing live) for `resilience.patienceMs`.
 */
export async function runPipeline(
  context: EngineContext,
  stages: readonly StageConfig[],
  options: { detach?: boolean } = {},
): Promise<RunOutcome> {
  // Each stage on the provider the context's config gives it: a caller may hand the stages of the config it loaded,
  // before `openProject` put them on a provider of its choosing (a test's fake).
  stages = stages.map((stage) => {
    const provider = context.config.stages.find((held) => held.name === stage.name)?.provider ?? stage.provider;
    return provider === stage.provider ? stage : { ...stage, provider };
  });
  // One collect worker for the whole run: a run collects dozens of times.
  const judge = new ResultJudge();
  try {
    const outcome = await runStages(context, stages, options, judge);
    consolidateEmbeddingStages(context, stages);
    return outcome;
  } finally {
    await judge.close();
  }
}

async function runStages(context: EngineContext, stages: readonly StageConfig[], options: { detach?: boolean }, judge: ResultJudge): Promise<RunOutcome> {
  const names = stages.map((stage) => stage.name);
  const runStartedAt = context.clock.now();
  // An unknown model without a configured price is refused before anything is planned or sent.
  for (const stage of stages) context.prices.priceFor(stage.model);
  // So is a stage the provider would refuse whole (tools with a response schema on a model that cannot).
  for (const stage of stages) refuseUnsupportedStage(requestCodecFor(stage.provider), stage);
  // A blocked output folder is found before any batch is paid for, not after.
  for (const stage of stages) ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
  restoreOutputs(context, stages);
  // Caches an interrupted run left behind (created, but no job was recorded) are deleted before anything else.
  await tendCaches(context, { includeUnclaimed: true });
  const memory: PlanMemory = new Map();
  const plans: StagePlan[] = [];
  for (const stage of stages) {
    if (stage.input.kind !== 'files') continue;
    const meanwhile = submitWhilePlanning(context, stage, stages, runStartedAt);
    const plan = await planStage({ config: context.config, ledger: context.ledger, memory, mode: 'record', meanwhile }, stage);
    plans.push(plan);
    reportPlan(context, stage, plan);
  }
  const schedule: PollSchedule = new Map();
  /** Passes in a row that submitted nothing while jobs waited, and since when (the wait grows with them). */
  let stalled = 0;
  let stalledSince: number | undefined;
  for (;;) {
    context.signal.throwIfAborted();
    ensurePatience(context);
    await collectJobs(context, stages, judge);
    // On every pass: extend the caches of running jobs, delete those whose jobs are done.
    await tendCaches(context, { includeUnclaimed: false });
    let wakeAt: number | undefined;
    /** Stages found ready, with how many of their requests are still to cut in this pass. */
    const cutting = new Map<StageConfig, number>();
    for (const stage of stages) {
      if (stage.input.kind === 'stage') {
        const plan = await planStage({ config: context.config, ledger: context.ledger, memory, mode: 'record' }, stage);
        // Kept when it found anything: its invalid documents count in the run's outcome (they are not in the ledger).
        if (plan.documents > 0 || plan.invalid.length > 0) {
          plans.push(plan);
          reportPlan(context, stage, plan);
        }
      }
      const readiness = shardReadiness(context, stage, stages);
      if (readiness.ready) cutting.set(stage, context.ledger.pending(stage.name).count);
      else if (readiness.wakeAt !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, readiness.wakeAt);
    }
    // A ready stage's pending requests are cut one job at a time, the next while the last one uploads, so the
    // provider starts on the first job while the rest are still being written. Requests that turn pending meanwhile
    // (retries) wait for the next pass's readiness check, as they would if all were cut at once.
    const cutNextJobs = async (): Promise<void> => {
      for (const [stage, left] of cutting) {
        const [job] = await shardStage(context, stage, runStartedAt, { maxJobs: 1, maxRequests: left });
        const stillLeft = left - (job?.request_count ?? left);
        if (stillLeft > 0) cutting.set(stage, stillLeft);
        else cutting.delete(stage);
      }
    };
    await cutNextJobs();
    // An upload mostly waits for the provider: collect the jobs that finished meanwhile, and cut the next job.
    const { submitted, waitMs, undecided } = await submitJobs(context, stages, async () => {
      if (await pollDueJobs(context, names, schedule)) await collectJobs(context, stages, judge);
      await cutNextJobs();
    });
    // Whatever is still to cut (no upload ran beside it, say) is cut on the next pass, without waiting.
    if (cutting.size > 0) {
      if (submitted > 0) [stalled, stalledSince] = [0, undefined];
      continue;
    }
    const live = countJobs(context, names, LIVE_REMOTE_STATES);
    const unsubmitted = countJobs(context, names, UNSUBMITTED_STATES);
    // Finished jobs whose download failed: collected again on a later pass.
    const uncollected = countJobs(context, names, COLLECTABLE_STATES);
    const pending = names.reduce((sum, name) => sum + context.ledger.pending(name).count, 0);
    if (live === 0 && unsubmitted === 0 && pending === 0 && uncollected === 0) break;
    if (options.detach && unsubmitted === 0) {
      return { plans, stages: summarizeStages(context.ledger, stages, context.prices), detached: true, retries: summarizeRetries(context.ledger, runStartedAt) };
    }
    if (uncollected > 0) wakeAt = Math.min(wakeAt ?? Infinity, context.clock.now() + retryWaitMs(context, 1));
    if (unsubmitted > 0) {
      // Counted by submissions, not live jobs: jobs collected while files upload leave the live count flat.
      if (submitted > 0 || live > 0 || undecided > 0) [stalled, stalledSince] = [0, undefined];
      else {
        stalled++;
        stalledSince ??= context.clock.now();
        ensureSubmitPatience(context, stalledSince);
      }
      if (live === 0) {
        await context.clock.sleep(Math.max(retryWaitMs(context, stalled), waitMs ?? 0), context.signal);
        continue;
      }
      // Jobs are live: watch them, and try the refused creates again when the provider asked to be asked.
      if (waitMs !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, context.clock.now() + waitMs);
    }
    if (live === 0) {
      // Only requests waiting for their batch to fill up: wait for its deadline.
      await context.clock.sleep(Math.max(0, (wakeAt ?? context.clock.now()) - context.clock.now()), context.signal);
      continue;
    }
    await watchJobs(context, names, schedule, wakeAt);
  }
  return { plans, stages: summarizeStages(context.ledger, stages, context.prices), detached: false, retries: summarizeRetries(context.ledger, runStartedAt) };
}

/**
 * While a files stage is planned, cuts and submits each full job as soon as its requests are recorded, so the
 * provider works on the first jobs while later documents are still read. Planning pauses meanwhile, its recorded
 * requests committed and no transaction open, so jobs are recorded and made durable in the same order as when cut
 * after planning, and cut the same: only full jobs, in request order. Finished jobs are collected after planning
 * (its workers and the collecting one at once would take the run over its memory target). Not for a canary (it needs
 * the largest documents of the whole stage) or an expected count (checked when planning ends, before anything is
 * sent). A budget refusal stops the submitting, not the planning: the run then stops after planning, as it would
 * have, counting every request left. Any other error ends the run at once; the next run plans the rest.
 */
function submitWhilePlanning(
  context: EngineContext,
  stage: StageConfig,
  stages: readonly StageConfig[],
  runStartedAt: number,
): { every: number; run: () => Promise<void> } | undefined {
  const full = context.config.sharding.maxRequestsPerJob;
  if (stage.input.kind !== 'files' || stage.canary || stage.input.expectedCount !== undefined || !Number.isFinite(full)) return undefined;
  let overBudget = false;
  return {
    every: full,
    run: async () => {
      while (!overBudget && context.ledger.pending(stage.name).count >= Math.max(full, stage.batching.minRequests)) {
        const [job] = await shardStage(context, stage, runStartedAt, { maxJobs: 1, maxRequests: full });
        if (!job) return;
        await submitJobs(context, stages).catch((error: unknown) => {
          if (!(error instanceof BudgetError)) throw error;
          overBudget = true;
        });
      }
    },
  };
}

/** The wait before the `pass`-th pass in a row that could not do its work: doubling from the polling interval, capped. */
function retryWaitMs(context: EngineContext, pass: number): number {
  const { polling, resilience } = context.config;
  return Math.min(resilience.retry.maxDelayMs, polling.initialIntervalMs * 2 ** pass);
}

/**
 * Whether a stage's pending requests should be cut into a job now: enough of them (`batching.minRequests`), the
 * oldest has waited `batching.maxWaitMs`, or nothing more can arrive from upstream.
 */
function shardReadiness(context: EngineContext, stage: StageConfig, stages: readonly StageConfig[]): { ready: boolean; wakeAt?: number } {
  const { ledger, clock } = context;
  const pending = ledger.pending(stage.name);
  if (pending.count === 0) return { ready: false };
  if (pending.count >= stage.batching.minRequests || upstreamSettled(context, stage, stages)) return { ready: true };
  const since = pending.oldestSince ?? clock.now();
  const deadline = since + stage.batching.maxWaitMs;
  return deadline <= clock.now() ? { ready: true } : { ready: false, wakeAt: deadline };
}

/** True when no more documents can reach `stage`: every stage above it has nothing pending or in flight. */
function upstreamSettled(context: EngineContext, stage: StageConfig, stages: readonly StageConfig[]): boolean {
  if (stage.input.kind === 'files') return true;
  const upstreamName = stage.input.stage;
  const upstream = stages.find((candidate) => candidate.name === upstreamName);
  // An upstream stage this run does not work on (`--stage`) delivers nothing more during it.
  if (!upstream) return true;
  const counts = context.ledger.requestCounts(upstream.name);
  if (counts.pending + counts.in_job > 0) return false;
  return upstreamSettled(context, upstream, stages);
}

function reportPlan(context: EngineContext, stage: StageConfig, plan: StagePlan): void {
  const { requests } = plan;
  context.reporter.notice(
    `${plan.stage}: ${plan.documents} documents (${plan.excluded.length} excluded, ${plan.invalid.length} invalid); ` +
      `requests ${requests.new} new, ${requests.changed} changed, ${requests.cached} cached, ${requests.unchanged} unchanged`,
  );
  const problems = stageDocumentProblems(stage, plan.documents + plan.invalid.length, plan.invalid);
  for (const finding of problems.missingPlaceholders) context.reporter.notice(`  ${describeMissingPlaceholder(finding)}`);
  for (const bad of problems.others) context.reporter.notice(`  invalid ${bad.path}: ${bad.reason}`);
}

function countJobs(context: EngineContext, stages: readonly string[], states: readonly JobState[]): number {
  return context.ledger.jobs({ states }).filter((job) => stages.includes(job.stage)).length;
}
