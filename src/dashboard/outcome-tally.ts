/**
 * @module The attempts' outcomes, counted once: attempts of collected jobs never change, so they are folded into a
 * running tally the first time and only the attempts after the first unsettled one are read again on each refresh.
 * At 100k documents that turns a full pass over the attempts (hundreds of ms) into a range of one job's attempts.
 */
import type { AttemptOutcomeCount, Ledger } from '../ledger/index.ts';

/** Outcome counts by job, second and verdict, kept up to date from the ledger. */
export class OutcomeTally {
  readonly #ledger: Ledger;
  /** Counts of attempts below {@link #settledBelow}, which are final. */
  readonly #settled = new Map<string, AttemptOutcomeCount>();
  #settledBelow = 0;
  #version: number | undefined;
  #rows: AttemptOutcomeCount[] = [];

  constructor(ledger: Ledger) {
    this.#ledger = ledger;
  }

  /** Every finished attempt's outcome, counted; read again only when the ledger changed. */
  rows(): readonly AttemptOutcomeCount[] {
    const { dashboard } = this.#ledger;
    const version = dashboard.dataVersion();
    if (version === this.#version) return this.#rows;
    const unsettled = dashboard.firstUnsettledAttempt();
    if (unsettled < this.#settledBelow) {
      // Attempts taken back (a job withdrawn) or revised: count everything again.
      this.#settled.clear();
      this.#settledBelow = 0;
    }
    for (const row of dashboard.attemptOutcomes(this.#settledBelow, unsettled)) {
      const key = `${row.jobId}|${row.at}|${row.state}|${row.attemptNo}|${row.clean}|${row.failureKind ?? ''}`;
      const known = this.#settled.get(key);
      if (known) known.n += row.n;
      else this.#settled.set(key, { ...row });
    }
    this.#settledBelow = Math.max(this.#settledBelow, unsettled);
    this.#rows = [...this.#settled.values(), ...dashboard.attemptOutcomes(this.#settledBelow, Number.MAX_SAFE_INTEGER)];
    this.#version = version;
    return this.#rows;
  }
}
