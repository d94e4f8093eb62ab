/**
 * @module `truebatch plan`: a dry run that contacts no provider and changes nothing. What the next run would
 * submit, in how many shards of what size against the limits, and what it would cost at the standard and the batch
 * price. The figures come from the run's own decisions (`planStage` in preview mode, `stageSubmissions`), so a plan
 * lists exactly the requests the next run submits from inputs that exist now. A downstream stage's documents whose
 * upstream output does not exist yet (it is still to be submitted, in flight, or served from the cache during the
 * run) are counted apart as waiting upstream, with a rough estimate: how many of them pass is not known yet.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { estimateCost, type CostBreakdown, type ModelPrice, type PriceTable } from '../cost/index.ts';
import type { RequestCodec } from '../providers/request-codec.ts';
import { contextPreviewOf, refuseUnsupportedStage, searchFeePreviewOf, type ContextPreview, type SearchFeePreview } from './stage-context.ts';
import type { Ledger } from '../ledger/index.ts';
import { planShards } from '../requests/index.ts';
import { compileValidator } from '../validation/index.ts';
import { calibrated } from './costing.ts';
import { planStage, type AttachmentCounts, type PlanMemory, type StagePlan, type UpstreamView } from './plan-stage.ts';
import { keysSha256, stageSubmissions, type StageSubmissions } from './plan-submissions.ts';
import { isDamaged, restoredOutput } from './restore-outputs.ts';
import { readOutputFile, type OutputReader } from './stage-documents.ts';
import { requestCodecFor } from '../providers/registry.ts';

/** One stage of a plan. */
export interface StagePreview {
  stage: string;
  /** The registry name of the stage's provider (its `provider:`, else the project's). */
  provider: string;
  model: string;
  documents: number;
  excluded: { path: string; reason: string }[];
  invalid: { path: string; reason: string }[];
  requests: StagePlan['requests'] & {
    /** Every request the next run submits in this stage: new + changed + resubmissions + orphaned + inUnsentJobs. */
    toSubmit: number;
    resubmissions: number;
    /** Pending requests of documents no longer listed (deleted, renamed, refused, or from an upstream answer redone). */
    orphaned: number;
    /** Requests in jobs an earlier run cut but did not send. */
    inUnsentJobs: number;
    waitingOnUpstream: number;
    blockedByUpstream: number;
  };
  /** The requests to submit: a hash of their sorted keys, and the keys themselves when asked for (`--keys`). */
  submit: { keysSha256: string; keys?: string[] };
  /**
   * Documents that may enter this stage during the run, once their upstream answer is valid (none of them is in
   * `submit`); priced roughly at this stage's average request so far, when it has one.
   */
  waiting: { requests: number; upstreamKeys?: string[]; estimatedTokens?: { input: number; output: number }; estimatedCost?: CostBreakdown };
  /** When the stage sends a canary first: how many requests it holds; the rest follow only if it passes. */
  canary?: { requests: number; minValidRate: number };
  /** Where the stage's requests stand now, from the ledger. */
  ledger: { valid: number; inFlight: number; givenUp: number };
  shards: { requests: number; bytes: number }[];
  estimatedTokens: { input: number; output: number; uncalibrated: { input: number; output: number } };
  estimatedCost: CostBreakdown;
  /** A stage with a shared context: its size, and whether its job holds it in an explicit cache and why. */
  context?: ContextPreview;
  /** A stage that gives the model web search: the fee if every request to submit searches. */
  searchFee?: SearchFeePreview;
  /** The PDFs and images among the stage's documents. */
  attachments: AttachmentCounts;
  /** Documents the run uploads for this stage (each content once, even when several stages send it). */
  uploads: { sha256: string; bytes: number }[];
}

/** The whole plan: per stage, and totals. */
export interface RunPreview {
  documents: number;
  /** PDFs and images the run uploads before creating jobs (Gemini keeps them 48 h, 20 GB per project). */
  uploads: { files: number; bytes: number };
  excluded: { stage: string; path: string; reason: string }[];
  invalid: { stage: string; path: string; reason: string }[];
  requests: {
    toSubmit: number;
    new: number;
    changed: number;
    cached: number;
    resubmissions: number;
    orphaned: number;
    inUnsentJobs: number;
    unchanged: number;
    waitingOnUpstream: number;
  };
  shards: { stage: string; requests: number; bytes: number }[];
  limits: { maxRequestsPerJob: number; maxBytesPerJob: number };
  estimatedTokens: { input: number; output: number };
  estimatedCost: CostBreakdown;
  /** Budgets this plan would take committed spend over: the run stops (exit 4) before the job that would. */
  overBudget: { scope: string; maxUsd: number; committedUsd: number; plannedUsd: number }[];
  stages: StagePreview[];
}

/** What a preview keeps of each stage for the stages below it. */
interface PreviewedStage {
  preview: StagePreview;
  plan: StagePlan;
  submissions: StageSubmissions;
  /** Upstream keys whose answers may become valid during the run. */
  onTheirWay: string[];
}

/**
 * Previews `stages` (as `run` with the same stages would go). With `keys`, each stage lists its keys. Throws
 * ConfigError for an expected-count mismatch or a model without a price.
 */
export async function previewRun(
  input: { config: ProjectConfig; ledger: Ledger; prices: PriceTable },
  stages: readonly StageConfig[],
  options: { keys?: boolean } = {},
): Promise<RunPreview> {
  const memory: PlanMemory = new Map();
  const previewed = new Map<string, PreviewedStage>();
  for (const stage of stages) previewed.set(stage.name, await previewStage({ ...input, memory, keys: options.keys ?? false }, stage, stages, previewed));
  const previews = [...previewed.values()].map((stage) => stage.preview);
  return { ...totalOf(previews, input.config), overBudget: budgetsExceeded(input, stages, previews) };
}

/** The budgets (project, stage) that committed spend plus this plan's batch cost would exceed. */
function budgetsExceeded(input: { config: ProjectConfig; ledger: Ledger }, stages: readonly StageConfig[], previews: readonly StagePreview[]): RunPreview['overBudget'] {
  const { config, ledger } = input;
  const scopes: { scope: string; maxUsd: number | undefined; committedUsd: number; plannedUsd: number }[] = [
    { scope: 'project', maxUsd: config.budget.maxUsd, committedUsd: ledger.costs.committedUsd(), plannedUsd: previews.reduce((sum, p) => sum + p.estimatedCost.batchUsd, 0) },
    ...stages.map((stage, index) => ({
      scope: `stage ${stage.name}`,
      maxUsd: stage.budget.maxUsd,
      committedUsd: ledger.costs.committedUsd(stage.name),
      plannedUsd: previews[index]?.estimatedCost.batchUsd ?? 0,
    })),
  ];
  return scopes.flatMap(({ maxUsd, ...scope }) => (maxUsd !== undefined && scope.committedUsd + scope.plannedUsd > maxUsd ? [{ ...scope, maxUsd }] : []));
}

async function previewStage(
  input: { config: ProjectConfig; ledger: Ledger; prices: PriceTable; memory: PlanMemory; keys: boolean },
  stage: StageConfig,
  stages: readonly StageConfig[],
  previewed: ReadonlyMap<string, PreviewedStage>,
): Promise<PreviewedStage> {
  const { config, ledger, prices } = input;
  const price = prices.priceFor(stage.model);
  const codec = requestCodecFor(stage.provider);
  refuseUnsupportedStage(codec, stage);
  const upstreamName = stage.input.kind === 'stage' ? stage.input.stage : undefined;
  const upstreamStage = stages.find((candidate) => candidate.name === upstreamName);
  const upstream = upstreamStage && previewed.get(upstreamStage.name);
  const plan = await planStage({ ...input, mode: 'preview', upstream: upstreamViewOf(ledger, upstreamStage, upstream) }, stage);
  const submissions = stageSubmissions(ledger, codec, stage, plan.decided);
  const shardPlan = planShards(submissions.lineSizes, { maxRequests: config.sharding.maxRequestsPerJob, maxBytes: config.sharding.maxBytesPerJob });
  const tokens = calibrated(ledger, stage.model, submissions.estimatedTokens);
  const counts = ledger.requestCounts(stage.name);
  const inUnsentJobs = submissions.unsentJobs.reduce((sum, job) => sum + job.requests, 0);
  // Run with its upstream stage, this stage takes in whatever the upstream answers during the run; run alone
  // (`--stage`), nothing new arrives, and the upstream's unfinished requests wait for a later run.
  const waitingKeys = upstream ? upstream.onTheirWay : [];
  const waitingCount = upstream ? waitingKeys.length + upstream.preview.waiting.requests : plan.waitingOnUpstream;
  const preview: StagePreview = {
    stage: stage.name,
    provider: stage.provider,
    model: stage.model,
    documents: plan.documents,
    excluded: plan.excluded,
    invalid: plan.invalid,
    attachments: plan.attachments,
    uploads: [...plan.uploads].map(([sha256, bytes]) => ({ sha256, bytes })),
    requests: {
      ...plan.requests,
      toSubmit: submissions.keys.length,
      resubmissions: plan.resubmissions,
      orphaned: submissions.orphaned,
      inUnsentJobs,
      waitingOnUpstream: waitingCount,
      blockedByUpstream: plan.blockedByUpstream.length,
    },
    submit: { keysSha256: keysSha256(submissions.keys), ...(input.keys ? { keys: submissions.keys } : {}) },
    waiting: waitingOf(ledger, stage, waitingCount, price, input.keys ? waitingKeys : undefined),
    ...canaryOf(ledger, stage, submissions.keys.length - inUnsentJobs),
    ledger: { valid: counts.valid, inFlight: counts.in_job - inUnsentJobs, givenUp: counts.given_up },
    shards: [
      ...submissions.unsentJobs,
      ...shardPlan.sizes.map((bytes, index) => ({ requests: shardPlan.requestCounts[index] ?? 0, bytes })),
    ],
    estimatedTokens: { ...tokens, uncalibrated: submissions.estimatedTokens },
    estimatedCost: estimateCost(tokens, price),
    ...contextFiguresOf(codec, stage, submissions.keys.length, price),
  };
  const cachedKeys = [...plan.decided].filter(([, decision]) => decision.state === 'cached').map(([key]) => key);
  const inFlightKeys = ledger.requestKeys(stage.name, 'in_job');
  return { preview, plan, submissions, onTheirWay: [...new Set([...submissions.keys, ...cachedKeys, ...inFlightKeys])].sort() };
}

/** The context and search-fee figures of a stage's preview, for the requests the next run submits. */
function contextFiguresOf(codec: RequestCodec, stage: StageConfig, requests: number, price: ModelPrice): Pick<StagePreview, 'context' | 'searchFee'> {
  const context = contextPreviewOf(codec, stage, requests, price);
  const searchFee = searchFeePreviewOf(stage, requests, price);
  return { ...(context === undefined ? {} : { context }), ...(searchFee === undefined ? {} : { searchFee }) };
}

/**
 * How a downstream stage sees its upstream's outputs in the run's first pass: requests the run starts afresh are
 * left out, and outputs the run restores (missing or damaged files whose answer still passes) read as restored.
 */
function upstreamViewOf(ledger: Ledger, upstreamStage: StageConfig | undefined, upstream: PreviewedStage | undefined): UpstreamView | undefined {
  if (!upstreamStage || !upstream) return undefined;
  const validator = compileValidator(upstreamStage.validation);
  const read: OutputReader = (row) => {
    const recorded = { requestId: row.id, key: row.key, docId: row.doc_id, path: row.output_path ?? '', bytes: row.output_bytes };
    const restored = isDamaged(recorded) ? restoredOutput(ledger, upstreamStage, validator, recorded) : undefined;
    return restored ?? readOutputFile(row);
  };
  return { redone: upstream.plan.redone, read };
}

function waitingOf(ledger: Ledger, stage: StageConfig, requests: number, price: ReturnType<PriceTable['priceFor']>, upstreamKeys: string[] | undefined): StagePreview['waiting'] {
  const average = requests > 0 ? ledger.costs.averageEstimatedTokens(stage.name) : undefined;
  const waiting: StagePreview['waiting'] = { requests, ...(upstreamKeys ? { upstreamKeys } : {}) };
  if (!average) return waiting;
  const estimatedTokens = { input: Math.round(average.input * requests), output: Math.round(average.output * requests) };
  const tokens = calibrated(ledger, stage.model, estimatedTokens);
  return { ...waiting, estimatedTokens, estimatedCost: estimateCost(tokens, price) };
}

/**
 * A canary the run would send first, from the requests still to cut (`toCut`): none yet, or the last one failed (a
 * new run tries it afresh). Jobs already cut go out as they are.
 */
function canaryOf(ledger: Ledger, stage: StageConfig, toCut: number): Pick<StagePreview, 'canary'> {
  const canary = stage.canary;
  if (!canary || toCut === 0) return {};
  const latest = ledger.latestCanary(stage.name);
  const failed = latest?.job.state === 'collected' && (latest.total === 0 ? 0 : latest.valid / latest.total) < canary.minValidRate;
  if (latest && !failed) return {};
  return { canary: { requests: Math.min(canary.size, toCut), minValidRate: canary.minValidRate } };
}

function totalOf(stages: StagePreview[], config: ProjectConfig): Omit<RunPreview, 'overBudget'> {
  const sum = (pick: (stage: StagePreview) => number): number => stages.reduce((total, stage) => total + pick(stage), 0);
  const requests = {
    toSubmit: sum((s) => s.requests.toSubmit),
    new: sum((s) => s.requests.new),
    changed: sum((s) => s.requests.changed),
    cached: sum((s) => s.requests.cached),
    resubmissions: sum((s) => s.requests.resubmissions),
    orphaned: sum((s) => s.requests.orphaned),
    inUnsentJobs: sum((s) => s.requests.inUnsentJobs),
    unchanged: sum((s) => s.requests.unchanged),
    waitingOnUpstream: sum((s) => s.requests.waitingOnUpstream),
  };
  return {
    documents: sum((s) => s.documents),
    excluded: stages.flatMap((s) => s.excluded.map((issue) => ({ stage: s.stage, ...issue }))),
    invalid: stages.flatMap((s) => s.invalid.map((issue) => ({ stage: s.stage, ...issue }))),
    uploads: uploadsOf(stages),
    requests,
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

/** The documents the run uploads, each content once across stages, and their bytes. */
function uploadsOf(stages: readonly StagePreview[]): { files: number; bytes: number } {
  const bytes = new Map(stages.flatMap((stage) => stage.uploads.map((upload) => [upload.sha256, upload.bytes] as const)));
  return { files: bytes.size, bytes: [...bytes.values()].reduce((sum, size) => sum + size, 0) };
}
