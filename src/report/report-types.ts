/** @module The shape of a run report: plain data, so it serialises to JSON as it is and renders to Markdown or HTML. */
import type { AuditSummary } from '../quality/index.ts';

/** A cost at interactive (standard) prices, at batch prices, and what batch saves. USD. */
export interface PricedCost {
  kind: 'priced';
  standardUsd: number;
  batchUsd: number;
  savingUsd: number;
  /** What context-cache hits saved at batch prices (hits at the input price minus hits at the cached price). */
  cacheSavingUsd: number;
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

/**
 * Where requests stand now: one request per document per stage, so a document that went through two stages counts
 * twice here (the figures' `documents` counts it once).
 */
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

/** Answers that had one kind of repair before they could be judged. */
export interface RepairTotal {
  /** `alias`, `fence` or `prose`. */
  kind: string;
  /** The kind for people, e.g. `code fence stripped`. */
  label: string;
  answers: number;
}

/** Answers whose alias was renamed, or invalid attempts whose rule broke, at one field (#19). */
export interface RepairFieldTotal {
  /** `alias`, `required`, `schema`, `any-of` or `not-object`. */
  kind: string;
  /** The kind for people, e.g. `alias renamed`, `missing field`. */
  label: string;
  /** JSON pointer, array positions as `*`; `""` is the whole answer. */
  field: string;
  attempts: number;
}

/** Failed or invalid attempts for one reason. */
export interface FailureReasonTotal {
  /** E.g. `truncated`, `unparseable`, `schema`, `provider-error`, `missing-key`. */
  kind: string;
  /** The reason for people, e.g. `truncated (max tokens)`. */
  label: string;
  attempts: number;
  /** Those whose request was submitted again afterwards. */
  resubmitted: number;
}

/** A request that ran out of attempts. */
export interface GivenUpRequest {
  key: string;
  attempts: number;
  reason: string;
}

/** The figures of one stage, or of the whole run. */
export interface ReportFigures {
  /** Documents with a request in the stage (for the run: in any stage, each counted once). */
  documents: number;
  requests: RequestOutcomes;
  attempts: AttemptOutcomes;
  tokens: TokenTotals;
  estimated: EstimatedCost;
  actual: ActualCost;
  /**
   * Stages that give the model web search: the answers billed, and the search fee if each of them searched (the
   * provider bills per request that used it; not in `actual`).
   */
  searchFee?: { answers: number; usd: number };
  jobs: { total: number; byState: Record<string, number>; durations: DurationStats | undefined };
  /** Answers by what was repaired (an answer can have more than one kind). */
  repairs: RepairTotal[];
  /** Where aliases were renamed and rules broken, by kind and field, most frequent first. */
  repairFields: RepairFieldTotal[];
  /** Every failed or invalid attempt by why, most frequent first: `attempts.failed + attempts.invalid` in all. */
  failureReasons: FailureReasonTotal[];
  /** The most frequent validation problems, most frequent first (at most {@link TOP_PROBLEMS}). */
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
  /** Provider calls retried over all runs, by endpoint and status (HTTP status, or `network`), most first. */
  providerRetries: { endpoint: string; status: string; count: number }[];
  /** Each reported stage's latest audit (#19): batch answers compared with interactive ones, field by field. */
  audits: AuditSummary[];
}

/** How many problem groups a report lists per stage and for the run. */
export const TOP_PROBLEMS = 10;
/** How many given-up requests a report lists per stage. */
export const TOP_GIVEN_UP = 20;
