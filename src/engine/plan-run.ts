/**
 * @module `truebatch plan`: a dry run that contacts no provider and changes nothing. What would be submitted,
 * in how many shards of what size against the limits, and what it would cost at the standard and the batch price.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { estimateCost, type CostBreakdown, type PriceTable } from '../cost/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { planShards } from '../requests/index.ts';
import { calibrated } from './costing.ts';
import { planStage, type PlanMemory, type StagePlan } from './plan-stage.ts';

/** One stage of a plan. */
export interface StagePreview {
  stage: string;
  model: string;
  documents: number;
  excluded: { path: string; reason: string }[];
  invalid: { path: string; reason: string }[];
  requests: StagePlan['requests'] & { resubmissions: number; waitingOnUpstream: number; blockedByUpstream: number };
  /** Where the stage's requests stand now, from the ledger. */
  ledger: { valid: number; inFlight: number; givenUp: number };
  shards: { requests: number; bytes: number }[];
  estimatedTokens: { input: number; output: number; uncalibrated: { input: number; output: number } };
  estimatedCost: CostBreakdown;
}

/** The whole plan: per stage, and totals. */
export interface RunPreview {
  documents: number;
  excluded: { stage: string; path: string; reason: string }[];
  invalid: { stage: string; path: string; reason: string }[];
  requests: { toSubmit: number; new: number; changed: number; cached: number; resubmissions: number; unchanged: number; waitingOnUpstream: number };
  shards: { stage: string; requests: number; bytes: number }[];
  limits: { maxRequestsPerJob: number; maxBytesPerJob: number };
  estimatedTokens: { input: number; output: number };
  estimatedCost: CostBreakdown;
  stages: StagePreview[];
}

/** Previews `stages`. Throws ConfigError for an expected-count mismatch or a model without a price. */
export async function previewRun(
  input: { config: ProjectConfig; ledger: Ledger; prices: PriceTable },
  stages: readonly StageConfig[],
): Promise<RunPreview> {
  const memory: PlanMemory = new Map();
  const previews: StagePreview[] = [];
  for (const stage of stages) previews.push(await previewStage({ ...input, memory }, stage, previews));
  return totalOf(previews, input.config);
}

async function previewStage(
  input: { config: ProjectConfig; ledger: Ledger; prices: PriceTable; memory: PlanMemory },
  stage: StageConfig,
  previews: readonly StagePreview[],
): Promise<StagePreview> {
  const { config, ledger, prices } = input;
  const price = prices.priceFor(stage.model);
  const plan = await planStage({ ...input, mode: 'preview' }, stage);
  const shardPlan = planShards(plan.lineSizes, { maxRequests: config.sharding.maxRequestsPerJob, maxBytes: config.sharding.maxBytesPerJob });
  const tokens = calibrated(ledger, stage.model, plan.estimatedTokens);
  const counts = ledger.requestCounts(stage.name);
  // Documents the upstream stage has yet to produce (in this same plan) will reach this stage later.
  const upstreamName = stage.input.kind === 'stage' ? stage.input.stage : undefined;
  const upstream = previews.find((preview) => preview.stage === upstreamName);
  const upstreamToCome = upstream
    ? upstream.requests.new + upstream.requests.changed + upstream.requests.resubmissions + upstream.ledger.inFlight + upstream.requests.waitingOnUpstream
    : 0;
  return {
    stage: stage.name,
    model: stage.model,
    documents: plan.documents,
    excluded: plan.excluded,
    invalid: plan.invalid,
    requests: {
      ...plan.requests,
      resubmissions: plan.resubmissions,
      waitingOnUpstream: Math.max(plan.waitingOnUpstream, upstreamToCome),
      blockedByUpstream: plan.blockedByUpstream.length,
    },
    ledger: { valid: counts.valid, inFlight: counts.in_job, givenUp: counts.given_up },
    shards: shardPlan.sizes.map((bytes, index) => ({ requests: shardPlan.requestCounts[index] ?? 0, bytes })),
    estimatedTokens: { ...tokens, uncalibrated: plan.estimatedTokens },
    estimatedCost: estimateCost(tokens, price),
  };
}

function totalOf(stages: StagePreview[], config: ProjectConfig): RunPreview {
  const sum = (pick: (stage: StagePreview) => number): number => stages.reduce((total, stage) => total + pick(stage), 0);
  const requests = {
    new: sum((s) => s.requests.new),
    changed: sum((s) => s.requests.changed),
    cached: sum((s) => s.requests.cached),
    resubmissions: sum((s) => s.requests.resubmissions),
    unchanged: sum((s) => s.requests.unchanged),
    waitingOnUpstream: sum((s) => s.requests.waitingOnUpstream),
  };
  return {
    documents: sum((s) => s.documents),
    excluded: stages.flatMap((s) => s.excluded.map((issue) => ({ stage: s.stage, ...issue }))),
    invalid: stages.flatMap((s) => s.invalid.map((issue) => ({ stage: s.stage, ...issue }))),
    requests: { toSubmit: requests.new + requests.changed + requests.resubmissions, ...requests },
    shards: stages.flatMap((s) => s.shards.map((shard) => ({ stage: s.stage, ...shard }))),
    limits: { maxRequestsPerJob: config.sharding.maxRequestsPerJob, maxBytesPerJob: config.sharding.maxBytesPerJob },
    estimatedTokens: { input: sum((s) => s.estimatedTokens.input), output: sum((s) => s.estimatedTokens.output) },
    estimatedCost: {
      standardUsd: sum((s) => s.estimatedCost.standardUsd),
      batchUsd: sum((s) => s.estimatedCost.batchUsd),
      savingUsd: sum((s) => s.estimatedCost.savingUsd),
    },
    stages,
  };
}
