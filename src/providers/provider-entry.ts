/**
 * @module What a provider folder hands the registry: its name, what it declares, its result reader, and how to
 * connect to it. Light on purpose: an entry loads no SDK until `connect` is called, so the collect worker thread can
 * read the registry for result readers without loading a provider's client.
 */
import type { ProjectConfig } from '../config/index.ts';
import type { Clock } from '../shared/index.ts';
import type { BatchProvider, ProviderCapabilities, ResultItem } from './batch-provider.ts';
import type { RequestCodec } from './request-codec.ts';

/** What {@link ProviderEntry.connect} is given by the composition root. */
export interface ProviderConnectRequest {
  config: ProjectConfig;
  /** The project's `.truebatch` folder, for a provider that keeps local state (the embedded emulator). */
  stateDir: string;
  clock: Clock;
  /**
   * Anything a caller passes for this provider alone (a test hands the fake provider its scripted service). Each
   * entry checks what it accepts and ignores what it does not.
   */
  settings: unknown;
}

/** A connected provider, and how to shut it down. */
export interface ProviderConnection {
  provider: BatchProvider;
  /** Something the user should be told once the provider is up (e.g. that the model is simulated). */
  notice: string | undefined;
  close(): Promise<void>;
}

/** One line of the registry. */
export interface ProviderEntry {
  /** The name a project's config selects it by (`provider: gemini`). */
  readonly name: string;
  /** The name of the provider it connects to, whose result files it reads (`emulator` connects to `gemini`). */
  readonly providerName: string;
  /**
   * What the provider declares, readable without connecting (e.g. by `plan`): the connected provider's `capabilities`
   * (the fake's service may narrow its limits further).
   */
  readonly capabilities: ProviderCapabilities;
  /** How the provider writes requests on its wire, reads them back and estimates their tokens (no connection needed). */
  readonly requestCodec: RequestCodec;
  /** The connected provider's `readResults`, for the collect worker thread. */
  readonly readResults: (path: string) => AsyncIterable<ResultItem>;
  /** Connects, starting whatever the provider needs locally. Throws ConfigError when settings are missing. */
  connect(request: ProviderConnectRequest): Promise<ProviderConnection>;
}
