/** @module Opening a project's ledger for a command that needs no provider (status, jobs, validate, lineage, report). */
import type { ProjectConfig } from '../config/index.ts';
import { openLedgerSession, type LedgerSession } from '../create-truebatch.ts';
import { ledgerError, type Ledger } from '../ledger/index.ts';
import type { GlobalOptions } from './global-options.ts';
import { loadConfigFromFlags } from './load-config.ts';

/**
 * Runs `work` on the project's ledger; `locked` also takes the project lock (for commands that write). `config` has
 * the provider's limits merged in, as a run cuts jobs; `session` also carries the project's one price table.
 */
export async function withLedger<T>(
  options: GlobalOptions,
  locked: boolean,
  work: (ledger: Ledger, config: ProjectConfig, session: LedgerSession) => Promise<T> | T,
): Promise<T> {
  const config = await loadConfigFromFlags(options);
  const session = openLedgerSession(config, { locked });
  try {
    return await work(session.ledger, session.config, session);
  } catch (error) {
    throw ledgerError(session.ledger.path, error);
  } finally {
    session.close();
  }
}
