/** @module The shape of a run report: plain data, so it serialises to JSON as it is and renders to Markdown or HTML. */

/** A cost at interactive (standard) prices, at batch prices, and what batch saves. USD. */
export interface PricedCost {
  kind: 'priced';
  standardUsd: number;
  batchUsd: number;
  savingUsd: number;
}

/** A cost that cannot be given because a model has no price: never shown as $0. */
export interface UnknownCost {
  kind: 'unknown';
  /** Why (the price table's ConfigError message, one per distinct problem). */
  reasons: string[];
}

/** What the attempts made so far cost. */
export type ActualCost = PricedCost | UnknownCost;

/** What the requests were estimated to cost before submission (input and output token estimates). */
export type EstimatedCost =
  | (PricedCost & {
      inputTokens: number;
      outputTokens: number;
      /** Requests with both estimates; the others are not in the sum. */
      coveredRequests: number;
      requests: number;
    })
  | UnknownCost
  | { kind: 'none'; reason: string };

/** Where requests stand now. `total` is the number of documents submitted (one request each). */
export interface RequestOutcomes {
  total: number;
  valid: number;
  givenUp: number;
  inFlight: number;
  pending: number;
}

/** Every attempt by its verdict. */
export interface AttemptOutcomes {
  total: number;
  valid: number;
  invalid: number;
  failed: number;
  inFlight: number;
}

/** Tokens reported by the provider, summed over attempts. `prompt` includes `cached`. */
export interface TokenTotals {
  prompt: number;
  output: number;
  thoughts: number;
  cached: number;
}

/** How long jobs took at the provider (submitted → finished), in milliseconds. */
export interface DurationStats {
  count: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
}

/** One kind of validation problem: error issues whose messages are the same once values and indexes are removed. */
export interface ProblemGroup {
  /** The normalised message, e.g. `/findings/*\/value: must be number, got "…"`. */
  problem: string;
  /** How many error issues had this form. */
  count: number;
  /** One real occurrence. */
  example: { message: string; stage: string; key: string };
}

/** A request that ran out of attempts. */
export interface GivenUpRequest {
  key: string;
  attempts: number;
  reason: string;
}

/** The figures of one stage, or of the whole run. */
export interface ReportFigures {
  requests: RequestOutcomes;
  attempts: AttemptOutcomes;
  tokens: TokenTotals;
  estimated: EstimatedCost;
  actual: ActualCost;
  jobs: { total: number; byState: Record<string, number>; durations: DurationStats | undefined };
  /** The most frequent problems, most frequent first (at most {@link TOP_PROBLEMS}). */
  problems: ProblemGroup[];
  /** How many distinct problems there were in all. */
  problemKinds: number;
  /** How many error issues there were in all. */
  problemCount: number;
}

/** One stage's figures. */
export interface StageReport extends ReportFigures {
  stage: string;
  /** The models its requests name. */
  models: string[];
  /** The first {@link TOP_GIVEN_UP} given-up requests by key; `requests.givenUp` has the count. */
  givenUpRequests: GivenUpRequest[];
}

/** The cost and outcome report of a project, read from its ledger. */
export interface RunReport {
  /** The project folder. */
  project: string;
  /** When the report was made (ISO 8601), when a clock was given. */
  generatedAt: string | undefined;
  /** Where the built-in prices come from, and when they were checked. */
  prices: { source: string; asOf: string };
  stages: StageReport[];
  total: ReportFigures;
}

/** How many problem groups a report lists per stage and for the run. */
export const TOP_PROBLEMS = 10;
/** How many given-up requests a report lists per stage. */
export const TOP_GIVEN_UP = 20;
