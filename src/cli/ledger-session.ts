/** @module Opening a project's ledger for a command that needs no provider (status, jobs, validate, lineage, report). */
import { join } from 'node:path';
import type { ProjectConfig } from '../config/index.ts';
import { openProjectLedger, stateDirOf } from '../engine/index.ts';
import { acquireProjectLock, ledgerError, type Ledger } from '../ledger/index.ts';
import type { GlobalOptions } from './global-options.ts';
import { loadConfigFromFlags } from './load-config.ts';

/** Runs `work` on the project's ledger; `locked` also takes the project lock (for commands that write). */
export async function withLedger<T>(
  options: GlobalOptions,
  locked: boolean,
  work: (ledger: Ledger, config: ProjectConfig) => Promise<T> | T,
): Promise<T> {
  const config = await loadConfigFromFlags(options);
  const lock = locked ? acquireProjectLock(join(stateDirOf(config), 'lock')) : undefined;
  const ledger = openProjectLedger(config);
  try {
    return await work(ledger, config);
  } catch (error) {
    throw ledgerError(ledger.path, error);
  } finally {
    ledger.close();
    lock?.release();
  }
}
