/**
 * @module The composition root: the one place that takes the project lock and opens the ledger, the price table
 * and the provider (by name, from the registry), and hands them to the engine. The CLI, the library and tests start
 * here; the engine never chooses a provider.
 */
import { join } from 'node:path';
import { displayPath, type ProjectConfig } from './config/index.ts';
import { createPriceTable, type PriceTable } from './cost/index.ts';
import { failpointFrom, type EngineContext, type RunReporter } from './engine/index.ts';
import { acquireProjectLock, openLedger, upgradeLegacyLedger, type Ledger, type ProjectLock } from './ledger/index.ts';
import { GEMINI_LEGACY_RULES } from './providers/gemini/gemini-legacy-ledger.ts';
import {
  ProviderHealth,
  providerEntry,
  resilientProvider,
  type ProviderCapabilities,
  type ProviderConnection,
  type ProviderEntry,
  type Random,
} from './providers/index.ts';
import { randomId, systemClock, type Clock } from './shared/index.ts';

/** The folder of truebatch's own files in a project. */
export function stateDirOf(config: ProjectConfig): string {
  return join(config.projectDir, '.truebatch');
}

/** The project's price table: the built-in prices with the config's overrides. */
export function projectPrices(config: ProjectConfig): PriceTable {
  return createPriceTable(config.prices, { configFile: displayPath(config.configFile) });
}

/**
 * `config` with its `sharding` limits narrowed to what the provider declares (the smaller of the two wins), so the
 * engine never cuts a job the provider would refuse.
 */
export function withProviderLimits(config: ProjectConfig, capabilities: ProviderCapabilities): ProjectConfig {
  const { maxRequestsPerJob, maxBytesPerJob } = capabilities.limits;
  const sharding = Object.freeze({
    maxRequestsPerJob: Math.min(config.sharding.maxRequestsPerJob, maxRequestsPerJob ?? Infinity),
    maxBytesPerJob: Math.min(config.sharding.maxBytesPerJob, maxBytesPerJob ?? Infinity),
  });
  return Object.freeze({ ...config, sharding });
}

/** Takes the project's lock (the only way truebatch takes it). Throws LockedError when another process holds it. */
function lockProject(config: ProjectConfig): ProjectLock {
  return acquireProjectLock(join(stateDirOf(config), 'lock'));
}

/**
 * Opens the project's ledger without the lock (for read-only commands such as `status`). A ledger written before the
 * neutral request model is upgraded first (in one transaction): fingerprints recomputed, responses made neutral.
 */
export function openProjectLedger(config: ProjectConfig, clock: Clock = systemClock): Ledger {
  const ledger = openLedger(join(stateDirOf(config), 'ledger.db'), clock);
  try {
    upgradeLegacyLedger(ledger, GEMINI_LEGACY_RULES);
  } catch (error) {
    ledger.close();
    throw error;
  }
  return ledger;
}

/** A project's ledger opened for a command that needs no provider. */
export interface LedgerSession {
  /** The config, its sharding limits narrowed to the configured provider's (as a run would cut jobs). */
  config: ProjectConfig;
  ledger: Ledger;
  prices: PriceTable;
  close(): void;
}

/** Opens the project's ledger; `locked` also takes the project lock first (for commands that write). */
export function openLedgerSession(config: ProjectConfig, options: { locked: boolean; clock?: Clock }): LedgerSession {
  const lock = options.locked ? lockProject(config) : undefined;
  try {
    const ledger = openProjectLedger(config, options.clock);
    return {
      config: withProviderLimits(config, providerEntry(config.provider).capabilities),
      ledger,
      prices: projectPrices(config),
      close() {
        ledger.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Options of {@link openProject}. */
export interface OpenProjectOptions {
  reporter: RunReporter;
  signal: AbortSignal;
  /** @default systemClock */
  clock?: Clock;
  /** Kills the process at this named step (crash tests). */
  failpoint?: string | undefined;
  /**
   * A registry name that wins over `config.provider` (e.g. `fake` in tests), or an entry of one's own (a test's
   * provider that the registry does not hold).
   */
  provider?: string | ProviderEntry;
  /** Handed to the provider's registry entry as its settings (e.g. a test's fake service). */
  providerSettings?: unknown;
  /** The jitter of retry waits. @default Math.random */
  random?: Random;
}

/** The provider is reported unhealthy (in the ledger, for `status`) once it has not answered for this long. */
const UNHEALTHY_AFTER_MS = 60_000;

/** A project opened for work that submits or collects: locked, with ledger and provider. */
export interface OpenProject {
  context: EngineContext;
  connection: ProviderConnection;
  close(): Promise<void>;
}

/**
 * Opens a project for submitting work: takes the project lock, opens the ledger, connects the configured provider
 * (starting the embedded emulator for `provider: emulator`) and builds the engine's context. `close` releases all.
 * @example
 * const project = await openProject(config, { reporter: loggerReporter(createLogger({})), signal });
 * try { await runPipeline(project.context, config.stages); } finally { await project.close(); }
 */
export async function openProject(config: ProjectConfig, options: OpenProjectOptions): Promise<OpenProject> {
  const stateDir = stateDirOf(config);
  const lock = lockProject(config);
  let ledger: Ledger | undefined;
  try {
    const clock = options.clock ?? systemClock;
    ledger = openProjectLedger(config, clock);
    const chosen = options.provider ?? config.provider;
    const entry = typeof chosen === 'string' ? providerEntry(chosen) : chosen;
    const connection = await entry.connect({ config, stateDir, clock, settings: options.providerSettings });
    const openedLedger = ledger;
    const { resilience } = config;
    const observer = {
      retried: (event: { endpoint: string; status: string }) => openedLedger.providerHealth.recordRetry(clock.now(), event.endpoint, event.status),
      unhealthy: (since: number, reason: string) => openedLedger.providerHealth.recordUnhealthy(since, reason),
      recovered: (at: number) => openedLedger.providerHealth.recordRecovered(at),
    };
    const health = new ProviderHealth(clock, {
      thresholdMs: Math.min(UNHEALTHY_AFTER_MS, resilience.patienceMs),
      observer,
      unhealthySince: openedLedger.providerHealth.state().unhealthySince,
    });
    const provider = resilientProvider(connection.provider, {
      policy: resilience.retry,
      clock,
      random: options.random ?? Math.random,
      health,
      observer,
    });
    const context: EngineContext = {
      // The engine encodes requests with the codec of the provider it was handed, which a test may choose.
      config: withProviderLimits({ ...config, provider: entry.name }, connection.provider.capabilities),
      ledger,
      provider,
      health,
      prices: projectPrices(config),
      clock,
      reporter: options.reporter,
      stateDir,
      displayNamePrefix: `tb-${ledger.projectId(() => randomId(8))}`,
      signal: options.signal,
      failpoint: failpointFrom(options.failpoint),
    };
    return {
      context,
      connection,
      async close() {
        await connection.close();
        openedLedger.close();
        lock.release();
      },
    };
  } catch (error) {
    ledger?.close();
    lock.release();
    throw error;
  }
}
