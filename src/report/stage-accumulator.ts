/** @module Running totals for one stage (or the whole run), fed row by row from the ledger. */
import { cacheSavingOfUsage, costOfUsage, estimateCost } from '../cost/index.ts';
import { FAILURE_LABELS, REPAIR_LABELS, type FailureCount, type FieldCount, type RepairCount, type ReportAttempt } from '../ledger/index.ts';
import { CostTally, type PriceLookup } from './cost-tally.ts';
import { durationStats } from './durations.ts';
import { errorMessagesOf, ProblemTally } from './problems.ts';
import {
  TOP_GIVEN_UP,
  TOP_PROBLEMS,
  type AttemptOutcomes,
  type EstimatedCost,
  type FailureReasonTotal,
  type GivenUpRequest,
  type RepairFieldTotal,
  type RepairTotal,
  type ReportFigures,
  type RequestOutcomes,
  type StageReport,
  type TokenTotals,
} from './report-types.ts';

/** One row of `requests`, as the report reads it. */
export interface RequestFacts {
  model: string;
  state: string;
  estimatedInput: number | null;
  estimatedOutput: number | null;
}

/** One row of `attempts` with its request's key and the model it ran on, as the ledger's report reads it. */
export type AttemptFacts = Omit<ReportAttempt, 'stage'>;

/** Repairs are listed in the order they are made: aliases, then fences, then prose. */
const REPAIR_ORDER: readonly string[] = Object.keys(REPAIR_LABELS);

function addInto<Field extends string>(target: Record<Field, number>, source: Readonly<Record<Field, number>>): void {
  for (const field of Object.keys(source) as Field[]) target[field] += source[field];
}

/** Totals of one stage; `merge` folds stages into the run's totals. */
export class FigureAccumulator {
  documents = 0;
  readonly repairs = new Map<string, RepairTotal>();
  readonly repairFields = new Map<string, RepairFieldTotal>();
  readonly failureReasons = new Map<string, FailureReasonTotal>();
  readonly requests: RequestOutcomes = { total: 0, valid: 0, givenUp: 0, inFlight: 0, pending: 0 };
  readonly attempts: AttemptOutcomes = { total: 0, valid: 0, invalid: 0, failed: 0, inFlight: 0 };
  readonly tokens: TokenTotals = { prompt: 0, output: 0, thoughts: 0, cached: 0 };
  readonly actual = new CostTally();
  readonly estimate = new CostTally();
  readonly estimateTokens = { input: 0, output: 0, covered: 0 };
  readonly jobStates: Record<string, number> = {};
  readonly durationsMs: number[] = [];
  readonly problems = new ProblemTally();
  readonly models = new Set<string>();
  readonly givenUp: GivenUpRequest[] = [];
  /** Answers with reported usage (billed), for the search fee. */
  billedAnswers = 0;
  searchFee: { answers: number; usd: number } | undefined;
  readonly #stage: string;
  readonly #prices: PriceLookup;

  constructor(stage: string, prices: PriceLookup) {
    this.#stage = stage;
    this.#prices = prices;
  }

  addRequest(row: RequestFacts): void {
    this.requests.total += 1;
    this.models.add(row.model);
    if (row.state === 'valid') this.requests.valid += 1;
    else if (row.state === 'given_up') this.requests.givenUp += 1;
    else if (row.state === 'in_job') this.requests.inFlight += 1;
    else this.requests.pending += 1;
    if (row.estimatedInput === null || row.estimatedOutput === null) return;
    this.estimateTokens.covered += 1;
    this.estimateTokens.input += row.estimatedInput;
    this.estimateTokens.output += row.estimatedOutput;
    const price = this.#prices.priceOf(row.model);
    if (typeof price === 'string') this.estimate.addUnknown(price);
    else this.estimate.add(estimateCost({ input: row.estimatedInput, output: row.estimatedOutput }, price));
  }

  /** The stage's documents, and its repairs (by kind and by field) and failures as counted in SQL. */
  addOutcomes(documents: number, repairs: readonly RepairCount[], failures: readonly FailureCount[], fields: readonly FieldCount[] = []): void {
    this.documents += documents;
    for (const repair of repairs) this.#addRepair({ kind: repair.kind, label: REPAIR_LABELS[repair.kind], answers: repair.attempts });
    for (const failure of failures) this.#addFailure({ ...failure, label: FAILURE_LABELS[failure.kind] });
    for (const field of fields) this.#addRepairField({ ...field, label: field.kind === 'alias' ? REPAIR_LABELS.alias : FAILURE_LABELS[field.kind] });
  }

  #addRepairField(total: RepairFieldTotal): void {
    const id = `${total.kind}\u0000${total.field}`;
    const mine = this.repairFields.get(id);
    if (mine) mine.attempts += total.attempts;
    else this.repairFields.set(id, { ...total });
  }

  #addRepair(repair: RepairTotal): void {
    const mine = this.repairs.get(repair.kind);
    if (mine) mine.answers += repair.answers;
    else this.repairs.set(repair.kind, { ...repair });
  }

  #addFailure(failure: FailureReasonTotal): void {
    const mine = this.failureReasons.get(failure.kind);
    if (mine) {
      mine.attempts += failure.attempts;
      mine.resubmitted += failure.resubmitted;
    } else {
      this.failureReasons.set(failure.kind, { ...failure });
    }
  }

  addGivenUp(request: GivenUpRequest): void {
    if (this.givenUp.length < TOP_GIVEN_UP) this.givenUp.push(request);
  }

  addAttempt(row: AttemptFacts): void {
    this.attempts.total += 1;
    if (row.state === 'valid') this.attempts.valid += 1;
    else if (row.state === 'invalid') this.attempts.invalid += 1;
    else if (row.state === 'failed') this.attempts.failed += 1;
    else this.attempts.inFlight += 1;
    for (const message of errorMessagesOf(row.issues)) this.problems.add(message, { stage: this.#stage, key: row.key });
    // An attempt without reported usage (still in a job, or an error line) was not billed by token.
    if (row.prompt === null && row.output === null && row.thoughts === null && row.cached === null) return;
    const usage = {
      promptTokens: row.prompt ?? 0,
      outputTokens: row.output ?? 0,
      thoughtsTokens: row.thoughts ?? 0,
      cachedTokens: row.cached ?? 0,
      totalTokens: row.total ?? (row.prompt ?? 0) + (row.output ?? 0) + (row.thoughts ?? 0),
    };
    this.billedAnswers += 1;
    this.tokens.prompt += usage.promptTokens;
    this.tokens.output += usage.outputTokens;
    this.tokens.thoughts += usage.thoughtsTokens;
    this.tokens.cached += usage.cachedTokens;
    const price = this.#prices.priceOf(row.model);
    if (typeof price === 'string') this.actual.addUnknown(price);
    else this.actual.add(costOfUsage(usage, price), cacheSavingOfUsage(usage, price));
  }

  addJob(state: string, submittedAt: number | null, finishedAt: number | null): void {
    this.jobStates[state] = (this.jobStates[state] ?? 0) + 1;
    if (submittedAt !== null && finishedAt !== null && finishedAt >= submittedAt) this.durationsMs.push(finishedAt - submittedAt);
  }

  /** Adds another stage's totals to these. */
  merge(other: FigureAccumulator): void {
    this.documents += other.documents;
    for (const repair of other.repairs.values()) this.#addRepair(repair);
    for (const failure of other.failureReasons.values()) this.#addFailure(failure);
    for (const field of other.repairFields.values()) this.#addRepairField(field);
    addInto(this.requests, other.requests);
    addInto(this.attempts, other.attempts);
    addInto(this.tokens, other.tokens);
    addInto(this.estimateTokens, other.estimateTokens);
    this.actual.merge(other.actual);
    this.estimate.merge(other.estimate);
    for (const [state, count] of Object.entries(other.jobStates)) this.jobStates[state] = (this.jobStates[state] ?? 0) + count;
    this.durationsMs.push(...other.durationsMs);
    this.billedAnswers += other.billedAnswers;
    if (other.searchFee !== undefined) {
      this.searchFee = { answers: (this.searchFee?.answers ?? 0) + other.searchFee.answers, usd: (this.searchFee?.usd ?? 0) + other.searchFee.usd };
    }
    this.problems.merge(other.problems);
    for (const model of other.models) this.models.add(model);
  }

  figures(): ReportFigures {
    return {
      documents: this.documents,
      requests: { ...this.requests },
      attempts: { ...this.attempts },
      tokens: { ...this.tokens },
      estimated: this.#estimated(),
      actual: this.actual.result(),
      ...(this.searchFee === undefined ? {} : { searchFee: { ...this.searchFee } }),
      jobs: {
        total: Object.values(this.jobStates).reduce((sum, count) => sum + count, 0),
        byState: { ...this.jobStates },
        durations: durationStats(this.durationsMs),
      },
      repairs: [...this.repairs.values()].map((repair) => ({ ...repair }))
        .sort((a, b) => REPAIR_ORDER.indexOf(a.kind) - REPAIR_ORDER.indexOf(b.kind)),
      repairFields: [...this.repairFields.values()].map((field) => ({ ...field }))
        .sort((a, b) => b.attempts - a.attempts || a.kind.localeCompare(b.kind) || a.field.localeCompare(b.field)),
      failureReasons: [...this.failureReasons.values()].map((failure) => ({ ...failure }))
        .sort((a, b) => b.attempts - a.attempts || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)),
      problems: this.problems.top(TOP_PROBLEMS),
      problemKinds: this.problems.kinds,
      problemCount: this.problems.count,
    };
  }

  stageReport(): StageReport {
    return { stage: this.#stage, models: [...this.models].sort(), ...this.figures(), givenUpRequests: [...this.givenUp] };
  }

  #estimated(): EstimatedCost {
    if (this.requests.total === 0) return { kind: 'none', reason: 'no estimate: no requests' };
    if (this.estimateTokens.covered === 0) {
      return { kind: 'none', reason: 'no estimate: the ledger has no token estimates for these requests' };
    }
    const cost = this.estimate.result();
    if (cost.kind === 'unknown') return cost;
    return {
      ...cost,
      inputTokens: this.estimateTokens.input,
      outputTokens: this.estimateTokens.output,
      coveredRequests: this.estimateTokens.covered,
      requests: this.requests.total,
    };
  }
}
