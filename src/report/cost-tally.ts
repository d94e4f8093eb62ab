/**
 * @module Sums of costs that stay honest: a cost that cannot be priced makes the whole sum unknown, with the reason,
 * rather than silently counting as $0.
 */
import { ConfigError } from '../shared/index.ts';
import type { CostBreakdown, ModelPrice, PriceTable } from '../cost/index.ts';
import type { ActualCost } from './report-types.ts';

/** Looks up prices, remembering the ConfigError of a model without one so each model is looked up once. */
export class PriceLookup {
  readonly #table: PriceTable | undefined;
  readonly #tableProblem: string | undefined;
  readonly #cache = new Map<string, ModelPrice | string>();

  /** `table` is undefined when the price table itself could not be built; `problem` says why. */
  constructor(table: PriceTable | undefined, problem?: string) {
    this.#table = table;
    this.#tableProblem = problem;
  }

  /** The model's price, or the reason it has none. Other errors propagate. */
  priceOf(model: string): ModelPrice | string {
    const cached = this.#cache.get(model);
    if (cached !== undefined) return cached;
    let answer: ModelPrice | string;
    if (this.#table === undefined) {
      answer = this.#tableProblem ?? 'no price table';
    } else {
      try {
        answer = this.#table.priceFor(model);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        answer = error.message;
      }
    }
    this.#cache.set(model, answer);
    return answer;
  }
}

/** Adds up cost breakdowns; one unpriceable item turns the sum into an {@link UnknownCost}. */
export class CostTally {
  #standardUsd = 0;
  #batchUsd = 0;
  #savingUsd = 0;
  #cacheSavingUsd = 0;
  readonly #reasons = new Set<string>();

  /** Adds a cost and what its cache hits saved (see `cacheSavingOfUsage`). */
  add(cost: CostBreakdown, cacheSavingUsd = 0): void {
    this.#standardUsd += cost.standardUsd;
    this.#batchUsd += cost.batchUsd;
    this.#savingUsd += cost.savingUsd;
    this.#cacheSavingUsd += cacheSavingUsd;
  }

  /** Records that something could not be priced, and why. */
  addUnknown(reason: string): void {
    this.#reasons.add(reason);
  }

  merge(other: CostTally): void {
    this.#standardUsd += other.#standardUsd;
    this.#batchUsd += other.#batchUsd;
    this.#savingUsd += other.#savingUsd;
    this.#cacheSavingUsd += other.#cacheSavingUsd;
    for (const reason of other.#reasons) this.#reasons.add(reason);
  }

  get known(): boolean {
    return this.#reasons.size === 0;
  }

  result(): ActualCost {
    if (!this.known) return { kind: 'unknown', reasons: [...this.#reasons] };
    return { kind: 'priced', standardUsd: this.#standardUsd, batchUsd: this.#batchUsd, savingUsd: this.#savingUsd, cacheSavingUsd: this.#cacheSavingUsd };
  }
}
