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
  type ProviderConnectRequest,
  type ProviderEntry,
  type Random,
} from './providers/index.ts';
import { ConfigError, randomId, systemClock, type Clock } from './shared/index.ts';

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
      config: stageProviderNames(config).reduce((narrowed, name) => withProviderLimits(narrowed, providerEntry(name).capabilities), config),
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
   * A registry name that wins over `config.provider` and every stage's (e.g. `fake` in tests), or an entry of one's
   * own (a test's provider that the registry does not hold). Hand the engine the stages of `context.config`: they
   * name it.
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
  /** The project's provider connection (the first of `connections`). */
  connection: ProviderConnection;
  /** One connection per provider the stages use, the project's first. */
  connections: readonly ProviderConnection[];
  close(): Promise<void>;
}

/**
 * The registry names the stages use, once each, the project's `provider` first when a stage uses it. Two
 * connections to one API (`gemini` and `emulator`) are refused: uploads and caches are shared by the API's provider.
 */
function stageProviderNames(config: ProjectConfig): string[] {
  const used = new Set(config.stages.map((stage) => stage.provider));
  const names = [config.provider, ...used].filter((name, index, all) => used.has(name) && all.indexOf(name) === index);
  const byApi = new Map<string, string>();
  for (const name of names) {
    const api = providerEntry(name).providerName;
    const other = byApi.get(api);
    if (other !== undefined) {
      throw new ConfigError(
        `invalid config: ${displayPath(config.configFile)}: stages ${stageUsing(config, other)} (provider ${other}) and ` +
          `${stageUsing(config, name)} (provider ${name}) reach the same API through two connections; give them one provider`,
      );
    }
    byApi.set(api, name);
  }
  return names;
}

/** The first stage that uses provider `name`. */
function stageUsing(config: ProjectConfig, name: string): string {
  return config.stages.find((stage) => stage.provider === name)?.name ?? '';
}

/** The config a provider is connected with: the project's, or, for another stage provider, its own key and base URL. */
function configFor(config: ProjectConfig, name: string): ProjectConfig {
  if (name === config.provider) return config;
  const access = config.stageProviderAccess[name] ?? { apiKey: undefined, baseUrl: undefined };
  return { ...config, provider: name, apiKey: access.apiKey, baseUrl: access.baseUrl };
}

/**
 * `config` with every stage on `entry` (a provider the caller chose over the config's, e.g. a test's `fake`), or as
 * it is.
 */
function withChosenProvider(config: ProjectConfig, entry: ProviderEntry | undefined): ProjectConfig {
  if (entry === undefined) return config;
  return { ...config, provider: entry.name, stages: config.stages.map((stage) => ({ ...stage, provider: entry.name })) };
}

/**
 * Throws ConfigError when a stage's provider changed while jobs cut for its old provider are not collected: their
 * names, files and results belong to the old provider, and asking the new one would lose them.
 */
function refuseProviderChangeWithUnfinishedJobs(config: ProjectConfig, ledger: Ledger): void {
  for (const stage of config.stages) {
    const stranded = ledger.jobs({ stage: stage.name }).filter((job) => job.state !== 'collected' && job.provider !== null && job.provider !== stage.provider);
    const [first] = stranded;
    if (first === undefined) continue;
    throw new ConfigError(
      `stage ${stage.name}: ${stranded.length} job(s) cut for provider ${first.provider ?? ''} are not collected yet, and the stage's provider is ` +
        `now ${stage.provider}: set its provider back to ${first.provider ?? ''} until they are collected (\`truebatch collect\`, or ` +
        `\`truebatch cancel --stage ${stage.name}\`), then change it`,
    );
  }
}

/**
 * Connects every provider the stages use (starting the embedded emulator for the emulator providers). A provider
 * that cannot be connected (a missing API key) closes those already connected and is reported with the stage
 * that needs it, before any call is made.
 */
async function connectProviders(
  config: ProjectConfig,
  request: Omit<ProviderConnectRequest, 'config'>,
): Promise<Map<string, ProviderConnection>> {
  const connections = new Map<string, ProviderConnection>();
  try {
    for (const name of stageProviderNames(config)) {
      try {
        connections.set(name, await providerEntry(name).connect({ ...request, config: configFor(config, name) }));
      } catch (error) {
        if (!(error instanceof ConfigError) || name === config.provider) throw error;
        throw new ConfigError(`stage ${stageUsing(config, name)}: ${error.message}`, { cause: error });
      }
    }
    return connections;
  } catch (error) {
    for (const connection of connections.values()) await connection.close();
    throw error;
  }
}

/**
 * Opens a project for submitting work: takes the project lock, opens the ledger, connects the provider of every stage
 * (starting the embedded emulator for the emulator providers) and builds the engine's context. `close` releases all.
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
    const chosen = typeof options.provider === 'string' ? providerEntry(options.provider) : options.provider;
    // The engine encodes each stage's requests with the codec of its stage's provider, which a test may choose.
    const engineConfig = withChosenProvider(config, chosen);
    refuseProviderChangeWithUnfinishedJobs(engineConfig, ledger);
    const request = { stateDir, clock, settings: options.providerSettings };
    const connected =
      chosen === undefined
        ? await connectProviders(engineConfig, request)
        : new Map([[chosen.name, await chosen.connect({ ...request, config })]]);
    const openedLedger = ledger;
    const { resilience } = config;
    const observer = {
      retried: (event: { endpoint: string; status: string }) => openedLedger.providerHealth.recordRetry(clock.now(), event.endpoint, event.status),
      unhealthy: (since: number, reason: string) => openedLedger.providerHealth.recordUnhealthy(since, reason),
      recovered: (at: number) => openedLedger.providerHealth.recordRecovered(at),
    };
    // One health for all the providers: the run waits while none of them answers.
    const health = new ProviderHealth(clock, {
      thresholdMs: Math.min(UNHEALTHY_AFTER_MS, resilience.patienceMs),
      observer,
      unhealthySince: openedLedger.providerHealth.state().unhealthySince,
    });
    const random = options.random ?? Math.random;
    const providers = new Map(
      [...connected].map(([name, connection]) => [name, resilientProvider(connection.provider, { policy: resilience.retry, clock, random, health, observer })]),
    );
    const [defaultProvider] = providers.values();
    const [defaultConnection] = connected.values();
    if (defaultProvider === undefined || defaultConnection === undefined) throw new Error('openProject: no provider connected');
    const stageProvider = new Map(engineConfig.stages.map((stage) => [stage.name, providers.get(stage.provider) ?? defaultProvider]));
    const capabilities = [...connected.values()].map((connection) => connection.provider.capabilities);
    const context: EngineContext = {
      config: capabilities.reduce(withProviderLimits, engineConfig),
      ledger,
      provider: defaultProvider,
      providerFor: (stage) => stageProvider.get(stage) ?? defaultProvider,
      providers: [...providers.values()],
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
      connection: defaultConnection,
      connections: [...connected.values()],
      async close() {
        for (const connection of connected.values()) await connection.close();
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
