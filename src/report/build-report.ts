/**
 * @module Builds the cost and outcome report of a project from its ledger: read-only queries, streamed row by row or
 * counted in SQL.
 */
import { displayPath, type ProjectConfig } from '../config/index.ts';
import { createPriceTable, type PriceTable } from '../cost/index.ts';
import { summariseAudit } from '../quality/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { ConfigError, type Clock } from '../shared/index.ts';
import { PriceLookup } from './cost-tally.ts';
import type { RunReport } from './report-types.ts';
import { FigureAccumulator } from './stage-accumulator.ts';
import { searchFeeUsd } from '../cost/index.ts';

/** What to report on. */
export interface ReportOptions {
  /** Only these stages (in this order). Default: the config's stages, then any others the ledger still holds. */
  stages?: readonly string[];
  /** Stamps the report with the time it was made. */
  clock?: Clock;
}

function priceLookupFor(config: ProjectConfig): { lookup: PriceLookup; table: PriceTable } {
  const builtIn = createPriceTable();
  try {
    const table = createPriceTable(config.prices, { configFile: displayPath(config.configFile) });
    return { lookup: new PriceLookup(table), table };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { lookup: new PriceLookup(undefined, error.message), table: builtIn };
  }
}

function stagesToReport(ledger: Ledger, config: ProjectConfig, chosen: readonly string[] | undefined): string[] {
  if (chosen !== undefined) return [...new Set(chosen)];
  return [...new Set([...config.stages.map((stage) => stage.name), ...ledger.report.stages()])];
}

/**
 * The cost and outcome report of the project whose ledger is `ledger`: per stage and for the whole run, outcomes,
 * tokens, estimated and actual costs (an unpriceable model makes a cost unknown, with the reason, never $0), job
 * durations, what was repaired, why attempts failed, and the most frequent validation problems. Reads only.
 */
export function buildReport(ledger: Ledger, config: ProjectConfig, options: ReportOptions = {}): RunReport {
  const { lookup, table } = priceLookupFor(config);
  const stages = stagesToReport(ledger, config, options.stages);
  const accumulators = new Map(stages.map((stage) => [stage, new FigureAccumulator(stage, lookup)]));
  const forStage = (stage: string): FigureAccumulator | undefined => accumulators.get(stage);

  for (const row of ledger.report.requests()) forStage(row.stage)?.addRequest(row);
  for (const row of ledger.report.givenUp()) forStage(row.stage)?.addGivenUp({ key: row.key, attempts: row.attempts, reason: row.reason });
  for (const row of ledger.report.attempts()) forStage(row.stage)?.addAttempt(row);
  for (const row of ledger.report.jobs()) forStage(row.stage)?.addJob(row.state, row.submittedAt, row.finishedAt);
  for (const stage of config.stages) {
    const accumulator = forStage(stage.name);
    const price = lookup.priceOf(stage.model);
    if (accumulator === undefined || typeof price === 'string' || price.searchPer1kRequests === undefined) continue;
    if (!(stage.tools ?? []).some((tool) => tool.kind === 'web-search')) continue;
    accumulator.searchFee = { answers: accumulator.billedAnswers, usd: searchFeeUsd(accumulator.billedAnswers, price) };
  }
  const documents = ledger.report.documentCounts(stages);
  for (const [stage, accumulator] of accumulators) {
    accumulator.addOutcomes(documents.byStage.get(stage) ?? 0, ledger.outcomes.repairCounts(stage), ledger.outcomes.failureCounts(stage),
      ledger.outcomes.fieldCounts(stage));
  }

  const total = new FigureAccumulator('(all stages)', lookup);
  for (const accumulator of accumulators.values()) total.merge(accumulator);
  // A document that goes through two stages is one document (with two requests).
  total.documents = documents.total;
  return {
    project: config.projectDir,
    generatedAt: options.clock === undefined ? undefined : new Date(options.clock.now()).toISOString(),
    prices: { source: table.source, asOf: table.asOf },
    stages: [...accumulators.values()].map((accumulator) => accumulator.stageReport()),
    total: total.figures(),
    providerRetries: ledger.providerHealth.retryCounts(),
    audits: stages.flatMap((stage) => {
      const audit = ledger.audits.latest(stage);
      return audit === undefined ? [] : [summariseAudit(audit)];
    }),
  };
}
