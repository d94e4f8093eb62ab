/**
 * @module Builds the cost and outcome report of a project from its ledger, with read-only SQL streamed row by row.
 */
import { displayPath, type ProjectConfig } from '../config/index.ts';
import { createPriceTable, type PriceTable } from '../cost/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { ConfigError, type Clock } from '../shared/index.ts';
import { PriceLookup } from './cost-tally.ts';
import type { RunReport } from './report-types.ts';
import { FigureAccumulator, type AttemptFacts, type RequestFacts } from './stage-accumulator.ts';

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
  const names = config.stages.map((stage) => stage.name);
  const inLedger = ledger.db
    .prepare('SELECT stage FROM requests UNION SELECT stage FROM jobs ORDER BY stage')
    .pluck()
    .all() as string[];
  return [...new Set([...names, ...inLedger])];
}

/** `requests.estimated_output_tokens` when this ledger has the column (older ledgers do not). */
function estimatedOutputColumn(ledger: Ledger): string {
  const columns = ledger.db.prepare("SELECT name FROM pragma_table_info('requests')").pluck().all() as string[];
  return columns.includes('estimated_output_tokens') ? 'estimated_output_tokens' : 'NULL';
}

/**
 * The cost and outcome report of the project whose ledger is `ledger`: per stage and for the whole run, outcomes,
 * tokens, estimated and actual costs (an unpriceable model makes a cost unknown, with the reason, never $0), job
 * durations and the most frequent validation problems. Reads only.
 */
export function buildReport(ledger: Ledger, config: ProjectConfig, options: ReportOptions = {}): RunReport {
  const { lookup, table } = priceLookupFor(config);
  const stages = stagesToReport(ledger, config, options.stages);
  const accumulators = new Map(stages.map((stage) => [stage, new FigureAccumulator(stage, lookup)]));
  const forStage = (stage: string): FigureAccumulator | undefined => accumulators.get(stage);

  const requests = ledger.db.prepare(
    `SELECT stage, model, state, estimated_input_tokens AS estimatedInput, ${estimatedOutputColumn(ledger)} AS estimatedOutput
     FROM requests ORDER BY id`,
  );
  for (const row of requests.iterate() as Iterable<RequestFacts & { stage: string }>) forStage(row.stage)?.addRequest(row);

  const givenUp = ledger.db.prepare(
    `SELECT stage, key, attempts, COALESCE(last_reason, 'unknown') AS reason FROM requests WHERE state = 'given_up'
     ORDER BY stage, key`,
  );
  for (const row of givenUp.iterate() as Iterable<{ stage: string; key: string; attempts: number; reason: string }>) {
    forStage(row.stage)?.addGivenUp({ key: row.key, attempts: row.attempts, reason: row.reason });
  }

  // The job's model is the one the attempt really ran on; the request's model may have changed since.
  const attempts = ledger.db.prepare(
    `SELECT r.stage AS stage, r.key AS key, COALESCE(j.model, r.model) AS model, a.state AS state,
       a.prompt_tokens AS prompt, a.output_tokens AS output, a.thoughts_tokens AS thoughts, a.cached_tokens AS cached,
       a.total_tokens AS total, a.issues AS issues
     FROM attempts a JOIN requests r ON r.id = a.request_id LEFT JOIN jobs j ON j.id = a.job_id ORDER BY a.id`,
  );
  for (const row of attempts.iterate() as Iterable<AttemptFacts & { stage: string }>) forStage(row.stage)?.addAttempt(row);

  const jobs = ledger.db.prepare('SELECT stage, state, submitted_at, finished_at FROM jobs ORDER BY id');
  for (const row of jobs.iterate() as Iterable<{ stage: string; state: string; submitted_at: number | null; finished_at: number | null }>) {
    forStage(row.stage)?.addJob(row.state, row.submitted_at, row.finished_at);
  }

  const total = new FigureAccumulator('(all stages)', lookup);
  for (const accumulator of accumulators.values()) total.merge(accumulator);
  return {
    project: config.projectDir,
    generatedAt: options.clock === undefined ? undefined : new Date(options.clock.now()).toISOString(),
    prices: { source: table.source, asOf: table.asOf },
    stages: [...accumulators.values()].map((accumulator) => accumulator.stageReport()),
    total: total.figures(),
  };
}
