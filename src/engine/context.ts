/**
 * @module What every engine step works with: the resolved config, the ledger, the provider, the clock, where
 * progress goes, and the signal that stops the run.
 */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import type { Ledger, JobRow } from '../ledger/index.ts';
import type { PriceTable } from '../cost/index.ts';
import type { BatchProvider, ProviderHealth } from '../providers/index.ts';
import type { Clock, Logger } from '../shared/index.ts';

/** Progress and notices from a run, for the CLI to render (a bar on a terminal, lines otherwise). */
export interface RunReporter {
  /** A plain notice for the user. */
  notice(message: string): void;
  /** A job changed: submitted, polled, finished, collected. */
  job(job: JobRow): void;
}

/** A reporter that prints notices through a logger and ignores job updates. */
export function loggerReporter(logger: Logger): RunReporter {
  return { notice: (message) => logger.info(message), job: () => {} };
}

/**
 * Named points where a test can make the process kill itself (SIGKILL), to prove that a crash at that exact step
 * is repaired by the next run. Set with `TRUEBATCH_FAILPOINT=<name>` (read by the CLI only).
 */
export type Failpoint =
  | 'after-upload'
  | 'after-document-upload'
  | 'after-intent'
  | 'after-create'
  | 'while-polling'
  | 'while-downloading'
  | 'while-writing-outputs'
  | 'after-cache-create'
  | 'after-cache-record';

/** Everything an engine step needs. */
export interface EngineContext {
  config: ProjectConfig;
  ledger: Ledger;
  /** The project's provider (its `provider:`). Retries its repeatable calls and reports every answer to `health`. */
  provider: BatchProvider;
  /**
   * The provider of a stage's jobs (its `provider:`, else the project's), wrapped like `provider`. Every call about a
   * job, a cache or an upload of a stage goes to it; a stage the config no longer names gets the project's.
   */
  providerFor(stage: string): BatchProvider;
  /** Every provider the stages use, once each (the project's first). */
  providers: readonly BatchProvider[];
  /** Whether, and since when, the providers answer: the run's patience is measured on them. */
  health: ProviderHealth;
  prices: PriceTable;
  clock: Clock;
  reporter: RunReporter;
  /** Folder for the engine's own files (`<project>/.truebatch`). */
  stateDir: string;
  /** Prefix of every display name: `tb-<project id>`. */
  displayNamePrefix: string;
  signal: AbortSignal;
  failpoint: (name: Failpoint) => void;
}

/** The stages a command works on: all, or the one named by `--stage`. */
export function selectStages(config: ProjectConfig, stageName: string | undefined): readonly StageConfig[] {
  if (stageName === undefined) return config.stages;
  // A stage with variants is named by its config name too: `--stage S` selects every variant of S.
  return config.stages.filter((stage) => stage.name === stageName || stage.variant?.stage === stageName);
}

/**
 * The provider that stores uploaded documents (PDFs, images): the one provider of the project that can (a project
 * never mixes two connections to one API), else the project's.
 */
export function documentsProvider(context: EngineContext): BatchProvider {
  return context.providers.find((provider) => provider.documents !== undefined) ?? context.provider;
}

/** A failpoint function that kills this process at `name` (when set), else does nothing. */
export function failpointFrom(name: string | undefined): (point: Failpoint) => void {
  return (point) => {
    if (point === name) process.kill(process.pid, 'SIGKILL');
  };
}
