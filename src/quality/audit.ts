/**
 * @module `truebatch audit` (#19): a reproducible, size-stratified sample of a stage's documents with valid batch
 * outputs is sent again, the very same requests, to the provider's interactive API; each answer is validated as a
 * batch answer is and compared field by field with the batch output. Opt-in and priced in advance (`planAudit`),
 * held to the budgets, recorded in the ledger before each call; a request already answered by an earlier audit is
 * reused, never paid twice.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { costOfUsage, estimateCost, formatUsd, type PriceTable } from '../cost/index.ts';
import { calibrated, withRepairNote, type EngineContext } from '../engine/index.ts';
import type { AuditCandidate, Ledger } from '../ledger/index.ts';
import { requestCodecFor, type ModelResponse } from '../providers/index.ts';
import { evaluateResult } from '../results/index.ts';
import { ApiKeyRejectedError, BudgetError, ConfigError, ProviderError, errorMessage } from '../shared/index.ts';
import { compileValidator } from '../validation/index.ts';
import { stratifiedSample } from './audit-sample.ts';
import { summariseAudit, type AuditSummary } from './audit-summary.ts';
import { compareAnswers } from './field-agreement.ts';

/** What an audit is asked to do. */
export interface AuditOptions {
  stage: StageConfig;
  /** Documents to sample. */
  sample: number;
  /** Chooses the sample; the same seed gives the same sample. */
  seed: number;
}

/** A budget an audit must fit in. */
export interface BudgetHeadroom {
  scope: string;
  maxUsd: number;
  committedUsd: number;
  headroomUsd: number;
}

/** What an audit would do and cost, before any call (`audit --plan`). */
export interface AuditPlan {
  stage: string;
  seed: number;
  /** Documents with valid batch outputs (what the sample is drawn from). */
  candidates: number;
  /** Documents sampled. */
  sampled: number;
  /** Sampled requests an earlier audit already answered: reused, not paid. */
  reused: number;
  /** Interactive calls to make. */
  calls: number;
  estimatedTokens: { input: number; output: number };
  /** The calls at standard (interactive) prices, USD. */
  estimatedUsd: number;
  /** Each capped budget (project, stage) with what is left of it; empty when no budget is set. */
  budgets: BudgetHeadroom[];
  /** Whether the estimate fits every budget's headroom. */
  fitsBudget: boolean;
}

/** Where an audit reads and records. */
export interface AuditContext {
  config: ProjectConfig;
  ledger: Ledger;
  prices: PriceTable;
}

/** The sample and its price; makes no call. Throws ConfigError for a stage an audit cannot compare. */
export function planAudit(context: AuditContext, options: AuditOptions): AuditPlan & { sample: AuditCandidate[] } {
  const { ledger, prices } = context;
  const { stage } = options;
  if (stage.embedding !== undefined) throw new ConfigError(`stage ${stage.name} makes embeddings: an audit compares structured answers`);
  const candidates = ledger.audits.candidates(stage.name);
  const sample = stratifiedSample(candidates.map((candidate) => ({ ...candidate, size: candidate.requestChars })), options.sample, options.seed);
  const estimatedTokens = { input: 0, output: 0 };
  let estimatedUsd = 0;
  let reused = 0;
  for (const candidate of sample) {
    if (ledger.audits.answered(candidate.fingerprint) !== undefined) {
      reused += 1;
      continue;
    }
    const tokens = callEstimate(ledger, candidate);
    estimatedTokens.input += tokens.input;
    estimatedTokens.output += tokens.output;
    estimatedUsd += estimateCost(tokens, prices.priceFor(candidate.model)).standardUsd;
  }
  const budgets = headroom(context, stage);
  return {
    stage: stage.name,
    seed: options.seed,
    candidates: candidates.length,
    sampled: sample.length,
    reused,
    calls: sample.length - reused,
    estimatedTokens,
    estimatedUsd,
    budgets,
    fitsBudget: budgets.every((budget) => estimatedUsd <= budget.headroomUsd),
    sample,
  };
}

/** Progress of a running audit. */
export interface AuditProgress {
  done: number;
  total: number;
  reused: number;
  failed: number;
}

/**
 * Runs an audit: refuses (BudgetError, before any call) when its estimate does not fit a budget's headroom, then asks
 * each sampled request that no earlier audit answered, records and compares, and sums up.
 */
export async function runAudit(
  context: AuditContext & Pick<EngineContext, 'providerFor'>,
  options: AuditOptions,
  onProgress: (progress: AuditProgress) => void = () => {},
): Promise<{ plan: AuditPlan; summary: AuditSummary }> {
  const { ledger, prices } = context;
  const { stage } = options;
  const provider = context.providerFor(stage.name);
  const interactive = provider.interactive;
  if (interactive === undefined) throw new ConfigError(`provider ${provider.name} offers no interactive calls: it cannot be audited`);
  const { sample, ...plan } = planAudit(context, options);
  if (!plan.fitsBudget) throw new BudgetError(refusal(plan));
  const codec = requestCodecFor(stage.provider);
  const validator = compileValidator(stage.validation);
  const judge = (key: string, response: ModelResponse) => evaluateResult({ kind: 'response', key, lineNumber: 0, response }, validator);
  const auditId = ledger.audits.start(stage.name, options.seed, options.sample);
  const progress: AuditProgress = { done: 0, total: sample.length, reused: 0, failed: 0 };
  for (const candidate of sample) {
    const target = { requestId: candidate.requestId, docId: candidate.docId, key: candidate.key, fingerprint: candidate.fingerprint };
    const earlier = ledger.audits.answered(candidate.fingerprint);
    if (earlier !== undefined) {
      ledger.audits.reuse(auditId, target, earlier);
      progress.reused += 1;
    } else {
      requireHeadroom(context, stage, candidate);
      const body = ledger.audits.requestBody(candidate.requestId);
      const stored = ledger.outputs.answerOf(candidate.requestId);
      const batch = stored === undefined ? undefined : judge(candidate.key, JSON.parse(stored.response) as ModelResponse);
      const callId = ledger.audits.intent(auditId, target);
      try {
        if (body === undefined || batch?.status !== 'valid') throw new ConfigError(`${candidate.key}: its batch output is no longer valid under the stage's rules`);
        const requestJson = withRepairNote(codec, body.json, body.repairNote);
        const response = await interactive.generate({ model: candidate.model, key: candidate.key, requestJson });
        const verdict = judge(candidate.key, response);
        const costUsd = response.usage === undefined ? 0 : costOfUsage(response.usage, prices.priceFor(candidate.model)).standardUsd;
        const comparison = verdict.status === 'valid' ? JSON.stringify(compareAnswers(stage.validation.schema, batch.output, verdict.output)) : null;
        ledger.audits.answer(callId, {
          answer: JSON.stringify(response),
          verdict: verdict.status,
          comparison,
          promptTokens: response.usage?.promptTokens ?? null,
          outputTokens: response.usage === undefined ? null : response.usage.outputTokens + response.usage.thoughtsTokens,
        }, costUsd);
      } catch (error) {
        ledger.audits.fail(callId, errorMessage(error));
        // A rejected key or anything unexpected stops the audit; a refused request is one failed call.
        if (error instanceof ApiKeyRejectedError || !(error instanceof ProviderError || error instanceof ConfigError)) throw error;
        progress.failed += 1;
      }
    }
    progress.done += 1;
    onProgress({ ...progress });
  }
  ledger.audits.finish(auditId);
  const record = ledger.audits.latest(stage.name);
  if (record === undefined) throw new ConfigError(`audit of ${stage.name}: its record is gone`);
  return { plan, summary: summariseAudit(record) };
}

/** A call's estimated tokens: the request's stored estimate, calibrated by what the model really counted so far. */
function callEstimate(ledger: Ledger, candidate: AuditCandidate): { input: number; output: number } {
  return calibrated(ledger, candidate.model, { input: candidate.estimatedInputTokens ?? 0, output: candidate.estimatedOutputTokens ?? 0 });
}

function headroom(context: AuditContext, stage: StageConfig): BudgetHeadroom[] {
  const { ledger, config } = context;
  const scopes: [string, number | undefined, number][] = [
    ['project', config.budget.maxUsd, ledger.costs.committedUsd()],
    [`stage ${stage.name}`, stage.budget.maxUsd, ledger.costs.committedUsd(stage.name)],
  ];
  return scopes.flatMap(([scope, maxUsd, committedUsd]) => (maxUsd === undefined ? [] : [{ scope, maxUsd, committedUsd, headroomUsd: Math.max(0, maxUsd - committedUsd) }]));
}

/** Stops before a call whose estimate no longer fits (earlier calls may have cost more than estimated). */
function requireHeadroom(context: AuditContext, stage: StageConfig, candidate: AuditCandidate): void {
  const usd = estimateCost(callEstimate(context.ledger, candidate), context.prices.priceFor(candidate.model)).standardUsd;
  for (const budget of headroom(context, stage)) {
    if (usd > budget.headroomUsd) {
      throw new BudgetError(
        `budget: the ${budget.scope} budget is ${formatUsd(budget.maxUsd)} and ${formatUsd(budget.committedUsd)} is spent; ` +
          `the next audit call would add about ${formatUsd(usd)}. The calls made so far are recorded: raise budget.maxUsd and audit again to continue.`,
      );
    }
  }
}

/** Why an audit is refused before any call. */
export function refusal(plan: AuditPlan): string {
  const short = plan.budgets.filter((budget) => plan.estimatedUsd > budget.headroomUsd);
  const parts = short.map((budget) => `the ${budget.scope} budget is ${formatUsd(budget.maxUsd)} with ${formatUsd(budget.committedUsd)} committed (${formatUsd(budget.headroomUsd)} left)`);
  return (
    `budget: the audit of ${plan.stage} would make ${plan.calls} interactive call(s) costing about ${formatUsd(plan.estimatedUsd)} ` +
    `at standard prices, but ${parts.join(' and ')}. Raise budget.maxUsd or audit a smaller --sample; nothing was called.`
  );
}
