/**
 * @module The composition root: builds the ledger, the provider (starting the embedded emulator when the
 * project's provider is `emulator`), the lock and the engine context from a resolved config. The CLI and tests
 * start here.
 */
import { join } from 'node:path';
import { displayPath, type ProjectConfig } from '../config/index.ts';
import { createPriceTable } from '../cost/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { acquireProjectLock, openLedger, type Ledger } from '../ledger/index.ts';
import { createGeminiProvider, type BatchProvider } from '../providers/index.ts';
import { ConfigError, randomId, systemClock, type Clock } from '../shared/index.ts';
import { failpointFrom, type EngineContext, type RunReporter } from './context.ts';

/** The folder of truebatch's own files in a project. */
export function stateDirOf(config: ProjectConfig): string {
  return join(config.projectDir, '.truebatch');
}

/** Opens the project's ledger (for read-only commands such as `status`). */
export function openProjectLedger(config: ProjectConfig, clock: Clock = systemClock): Ledger {
  return openLedger(join(stateDirOf(config), 'ledger.db'), clock);
}

/** A provider, and how to shut it down. */
export interface ProviderConnection {
  provider: BatchProvider;
  /** Set when the provider is the embedded emulator. */
  emulator: RunningEmulator | undefined;
  close(): Promise<void>;
}

/** The key the embedded emulator is started with; it is not a secret and never leaves this process. */
const EMBEDDED_EMULATOR_KEY = 'truebatch-embedded-emulator';

/** Where the embedded emulator keeps its files, jobs and state between CLI processes. */
function embeddedEmulatorDirOf(config: ProjectConfig): string {
  return join(stateDirOf(config), 'emulator');
}

/**
 * Connects to the configured provider: the embedded emulator, or Gemini (which needs a key). The embedded
 * emulator persists in the project's state folder, so, like Google, it still knows the jobs of an earlier
 * process (detached, interrupted or killed). Callers hold the project lock, so one process at a time uses it.
 */
export async function connectProvider(config: ProjectConfig): Promise<ProviderConnection> {
  if (config.provider === 'emulator') {
    // Loaded only when used: the emulator's server and model are a fair share of start-up time and memory.
    const { startEmulator } = await import('../emulator/index.ts');
    const emulator = await startEmulator({
      apiKey: EMBEDDED_EMULATOR_KEY,
      storageDir: embeddedEmulatorDirOf(config),
      persist: true,
      seed: config.emulator.seed,
      jobDurationMs: config.emulator.jobDurationMs,
      faults: config.emulator.faults,
    });
    const provider = createGeminiProvider({
      apiKey: EMBEDDED_EMULATOR_KEY,
      baseUrl: emulator.url,
      apiVersion: config.gemini.apiVersion,
      uploadMimeType: config.gemini.uploadMimeType,
    });
    return { provider, emulator, close: () => emulator.close() };
  }
  if (config.apiKey === undefined) {
    throw new ConfigError(
      'provider gemini needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment, ' +
        'or try the local emulator with --provider emulator',
    );
  }
  const provider = createGeminiProvider({
    apiKey: config.apiKey,
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
    apiVersion: config.gemini.apiVersion,
    uploadMimeType: config.gemini.uploadMimeType,
  });
  return { provider, emulator: undefined, close: () => Promise.resolve() };
}

/** A project opened for work that submits or collects: locked, with ledger and provider. */
export interface OpenProject {
  context: EngineContext;
  connection: ProviderConnection;
  close(): Promise<void>;
}

/** Opens a project for submitting work. Takes the project lock first; `close` releases everything. */
export async function openProject(
  config: ProjectConfig,
  options: { reporter: RunReporter; signal: AbortSignal; clock?: Clock; failpoint?: string | undefined },
): Promise<OpenProject> {
  const stateDir = stateDirOf(config);
  const lock = acquireProjectLock(join(stateDir, 'lock'));
  let ledger: Ledger | undefined;
  try {
    const clock = options.clock ?? systemClock;
    ledger = openLedger(join(stateDir, 'ledger.db'), clock);
    const connection = await connectProvider(config);
    const openLedger_ = ledger;
    const context: EngineContext = {
      config,
      ledger,
      provider: connection.provider,
      prices: createPriceTable(config.prices, { configFile: displayPath(config.configFile) }),
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
        openLedger_.close();
        lock.release();
      },
    };
  } catch (error) {
    ledger?.close();
    lock.release();
    throw error;
  }
}
