/** @module What every dashboard route reads: the project's config, its ledger opened read-only, and its prices. */
import type { ProjectConfig } from '../config/index.ts';
import type { PriceTable } from '../cost/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Clock } from '../shared/index.ts';
import type { OutcomeTally } from './outcome-tally.ts';

/** The project a dashboard serves, as its caller opened it. */
export interface DashboardProject {
  readonly config: ProjectConfig;
  /** Opened with `openLedgerReadOnly`: the dashboard never writes and never takes the project lock. */
  readonly ledger: Ledger;
  readonly prices: PriceTable;
  readonly clock: Clock;
}

/** What the routes read: the project, and the attempts' outcomes counted once (outcome-tally.ts). */
export interface DashboardContext extends DashboardProject {
  readonly tally: OutcomeTally;
}

/** Rows per page of every paginated table. */
export const PAGE_SIZE = 50;
