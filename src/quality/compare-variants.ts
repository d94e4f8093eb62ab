/**
 * @module The variants of one stage side by side (#19, `truebatch compare`): per variant its valid rate, repairs,
 * retries, tokens and cost per document, and per pair of variants how far their valid answers to the same documents
 * agree, field by field, by the audit's comparator. Reads the ledger and the variants' output files, one document at
 * a time.
 */
import { readFileSync } from 'node:fs';
import type { StageConfig } from '../config/index.ts';
import type { PriceTable } from '../cost/index.ts';
import { summarizeStages, type ActualStageCost, type StageSummary } from '../engine/index.ts';
import type { FailureCount, FieldCount, Ledger, RepairCount } from '../ledger/index.ts';
import { ConfigError, errorMessage } from '../shared/index.ts';
import { agreementRate, compareAnswers, summariseAgreement, type AgreementRate, type AgreementSummary, type AnswerAgreement } from './field-agreement.ts';

/** One variant's outcome. */
export interface VariantOutcome {
  variant: string;
  /** The stage it runs as: `<stage>.<variant>`. */
  stage: string;
  model: string;
  /** Documents that entered it (its requests). */
  documents: number;
  /** Valid outputs out of its documents, with a Wilson 95% interval. */
  valid: AgreementRate;
  attempts: number;
  /** Answers by what was repaired so they could be judged. */
  repairs: RepairCount[];
  /** Where aliases were renamed and rules broken, by kind and field. */
  repairFields: FieldCount[];
  /** Failed and invalid attempts by why (each resubmitted, or given up). */
  failures: FailureCount[];
  /** Attempts resubmitted after a failure. */
  retries: number;
  tokens: { prompt: number; output: number; thoughts: number };
  cost: ActualStageCost;
  /** Batch cost over its documents; absent when the cost is unknown or nothing entered. */
  costPerDocumentUsd?: number;
}

/** How two variants' answers agree over the documents valid in both. */
export interface VariantPairAgreement {
  a: string;
  b: string;
  /** Documents valid in both, compared. */
  documents: number;
  /** Documents valid in both: more than `documents` when `maxDocuments` left the rest uncompared. */
  validInBoth: number;
  /** Output files that could not be read as JSON (listed, left out of the comparison). */
  unreadable: { path: string; reason: string }[];
  agreement: AgreementSummary;
}

/** A stage's variants compared. */
export interface VariantComparison {
  stage: string;
  variants: VariantOutcome[];
  pairs: VariantPairAgreement[];
}

export interface CompareVariantsOptions {
  /** Compares at most this many documents of each pair, the first in request order (the dashboard stays fast on a large corpus). */
  maxDocuments?: number;
}

/** The variants of config stage `stageName`, in their order; a usage error when it has none. */
export function variantsOf(stages: readonly StageConfig[], stageName: string): StageConfig[] {
  const variants = stages.filter((stage) => stage.variant?.stage === stageName);
  if (variants.length > 0) return variants;
  const withVariants = [...new Set(stages.flatMap((stage) => (stage.variant === undefined ? [] : [stage.variant.stage])))];
  const hint = withVariants.length === 0 ? 'no stage declares `variants:`' : `stages with variants: ${withVariants.join(', ')}`;
  const known = stages.some((stage) => stage.name === stageName);
  throw new ConfigError(`${known ? `stage ${stageName} has no variants` : `no stage named ${stageName}`}; ${hint}`);
}

/** Compares the variants of config stage `stageName` from what the ledger recorded. */
export function compareVariants(
  ledger: Ledger, stages: readonly StageConfig[], stageName: string, prices: PriceTable, options: CompareVariantsOptions = {},
): VariantComparison {
  const variants = variantsOf(stages, stageName);
  const summaries = summarizeStages(ledger, variants, prices);
  // summarizeStages answers one summary per stage, in order.
  const outcomes = variants.map((variant, index) => outcomeOf(variant, summaries[index] ?? missingSummary(variant)));
  const sides = variants.map((config) => ({ config, outputs: outputsByDocument(ledger, config.name) }));
  const pairs = sides.flatMap((a, i) => sides.slice(i + 1).map((b) => pairAgreement(a, b, options.maxDocuments ?? Infinity)));
  return { stage: stageName, variants: outcomes, pairs };
}

function missingSummary(variant: StageConfig): never {
  throw new Error(`no summary of ${variant.name}`);
}

function outcomeOf(variant: StageConfig, summary: StageSummary): VariantOutcome {
  const cost = summary.cost;
  return {
    variant: variant.variant?.name ?? variant.name,
    stage: variant.name,
    model: variant.model,
    documents: summary.requests,
    valid: agreementRate(summary.valid, summary.requests),
    attempts: summary.attempts,
    repairs: summary.repairs,
    repairFields: summary.repairFields,
    failures: summary.failures,
    retries: summary.failures.reduce((sum, failure) => sum + failure.resubmitted, 0),
    tokens: summary.tokens,
    cost,
    ...(cost.kind !== 'unknown' && summary.requests > 0 ? { costPerDocumentUsd: cost.batchUsd / summary.requests } : {}),
  };
}

/** A stage's valid output files by document id (paths only: the answers are read a pair at a time). */
function outputsByDocument(ledger: Ledger, stage: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const output of ledger.outputs.recorded(stage)) paths.set(output.docId, output.path);
  return paths;
}

/** One variant of a pair: its config and its valid outputs by document id. */
interface Side {
  config: StageConfig;
  outputs: Map<string, string>;
}

function pairAgreement(a: Side, b: Side, maxDocuments: number): VariantPairAgreement {
  // Both variants validate against the stage's schema unless one overrides its response schema: the first's is used.
  const schema = a.config.validation.schema;
  const documents: AnswerAgreement[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  let validInBoth = 0;
  for (const [docId, pathA] of a.outputs) {
    const pathB = b.outputs.get(docId);
    if (pathB === undefined) continue;
    validInBoth += 1;
    if (validInBoth > maxDocuments) continue;
    const answerA = readAnswer(pathA, unreadable);
    const answerB = readAnswer(pathB, unreadable);
    if (answerA.ok && answerB.ok) documents.push(compareAnswers(schema, answerA.value, answerB.value));
  }
  return {
    a: a.config.variant?.name ?? a.config.name,
    b: b.config.variant?.name ?? b.config.name,
    documents: documents.length,
    validInBoth,
    unreadable,
    agreement: summariseAgreement(documents),
  };
}

function readAnswer(path: string, unreadable: { path: string; reason: string }[]): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  } catch (error) {
    // A missing or edited output is restored by the next `run`; until then it is not compared.
    unreadable.push({ path, reason: errorMessage(error) });
    return { ok: false };
  }
}
