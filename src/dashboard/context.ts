/** @module What every dashboard route reads: the project's config, its ledger opened read-only, and its prices. */
import type { ProjectConfig } from '../config/index.ts';
import type { PriceTable } from '../cost/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Clock } from '../shared/index.ts';

/** The project a dashboard serves. */
export interface DashboardContext {
  readonly config: ProjectConfig;
  /** Opened with `openLedgerReadOnly`: the dashboard never writes and never takes the project lock. */
  readonly ledger: Ledger;
  readonly prices: PriceTable;
  readonly clock: Clock;
}

/** Rows per page of every paginated table. */
export const PAGE_SIZE = 50;
