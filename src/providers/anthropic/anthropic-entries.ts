/**
 * @module The Anthropic provider's registry entries: `anthropic` (Anthropic, or any base URL) and
 * `anthropic-emulator` (Message Batches over the embedded emulator, served under `/anthropic`). The SDK and the
 * emulator are loaded only on connect.
 */
import { ConfigError } from '../../shared/index.ts';
import { EMBEDDED_EMULATOR_KEY, useEmbeddedEmulator } from '../embedded-emulator.ts';
import type { ProviderEntry } from '../provider-entry.ts';
import { ANTHROPIC_CAPABILITIES } from './anthropic-capabilities.ts';
import { ANTHROPIC_PROVIDER_NAME, anthropicRequestCodec } from './anthropic-request.ts';
import { readAnthropicResults } from './anthropic-results.ts';

/** An environment variable, trimmed; empty counts as unset. */
function fromEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Anthropic, or the base URL in `ANTHROPIC_BASE_URL`; the key comes from `ANTHROPIC_API_KEY` only (as the SDK's). */
export const anthropicEntry: ProviderEntry = {
  name: ANTHROPIC_PROVIDER_NAME,
  providerName: ANTHROPIC_PROVIDER_NAME,
  capabilities: ANTHROPIC_CAPABILITIES,
  requestCodec: anthropicRequestCodec,
  readResults: readAnthropicResults,
  async connect() {
    const apiKey = fromEnv('ANTHROPIC_API_KEY');
    if (apiKey === undefined) {
      throw new ConfigError('provider anthropic needs an API key: set ANTHROPIC_API_KEY in the environment, or try the local emulator with --provider anthropic-emulator');
    }
    const baseUrl = fromEnv('ANTHROPIC_BASE_URL');
    if (baseUrl !== undefined && !/^https?:\/\//.test(baseUrl)) {
      throw new ConfigError('environment variable ANTHROPIC_BASE_URL: expected an http:// or https:// URL');
    }
    const { createAnthropicProvider } = await import('./anthropic-provider.ts');
    const provider = createAnthropicProvider({ apiKey, ...(baseUrl === undefined ? {} : { baseUrl }) });
    return { provider, notice: undefined, close: () => Promise.resolve() };
  },
};

/**
 * Message Batches against the embedded emulator, persisted in the project's state folder like `emulator` (Gemini's),
 * so a later process still finds the batches of one that was killed.
 */
export const anthropicEmulatorEntry: ProviderEntry = {
  name: 'anthropic-emulator',
  providerName: ANTHROPIC_PROVIDER_NAME,
  capabilities: ANTHROPIC_CAPABILITIES,
  requestCodec: anthropicRequestCodec,
  readResults: readAnthropicResults,
  async connect({ config, stateDir }) {
    const { createAnthropicProvider } = await import('./anthropic-provider.ts');
    const { emulator, release } = await useEmbeddedEmulator(config, stateDir);
    const provider = createAnthropicProvider({ apiKey: EMBEDDED_EMULATOR_KEY, baseUrl: emulator.anthropicUrl });
    return {
      provider,
      notice: `Using the embedded Anthropic emulator at ${emulator.anthropicUrl}: the model is simulated, not a real LLM.`,
      close: release,
    };
  },
};
