/**
 * @module The OpenAI provider's registry entries: `openai` (OpenAI, or any base URL) and `openai-emulator` (OpenAI's
 * Batch API as the embedded emulator serves it under `/openai/v1`). The SDK and the emulator load only on connect.
 */
import { ConfigError } from '../../shared/index.ts';
import { EMBEDDED_EMULATOR_KEY, useEmbeddedEmulator } from '../embedded-emulator.ts';
import type { ProviderEntry } from '../provider-entry.ts';
import { OPENAI_CAPABILITIES } from './openai-capabilities.ts';
import { OPENAI, openAiRequestCodec } from './openai-request.ts';
import { readOpenAiResults } from './openai-results.ts';

/** OpenAI, or the base URL `OPENAI_BASE_URL` names; the key comes from `OPENAI_API_KEY` only. */
export const openAiEntry: ProviderEntry = {
  name: OPENAI,
  providerName: OPENAI,
  capabilities: OPENAI_CAPABILITIES,
  requestCodec: openAiRequestCodec,
  readResults: readOpenAiResults,
  async connect({ config }) {
    if (config.apiKey === undefined) {
      throw new ConfigError('provider openai needs an API key: set OPENAI_API_KEY in the environment, or try the local emulator with --provider openai-emulator');
    }
    const { createOpenAiProvider } = await import('./openai-provider.ts');
    const provider = createOpenAiProvider({ apiKey: config.apiKey, ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }) });
    return { provider, notice: undefined, close: () => Promise.resolve() };
  },
};

/**
 * OpenAI against the embedded emulator, which persists in the project's state folder like the Gemini one (see
 * gemini-entries.ts `emulator`): a later process still finds the jobs of a killed one.
 */
export const openAiEmulatorEntry: ProviderEntry = {
  name: 'openai-emulator',
  providerName: OPENAI,
  capabilities: OPENAI_CAPABILITIES,
  requestCodec: openAiRequestCodec,
  readResults: readOpenAiResults,
  async connect({ config, stateDir }) {
    const { createOpenAiProvider } = await import('./openai-provider.ts');
    const { emulator, release } = await useEmbeddedEmulator(config, stateDir);
    const provider = createOpenAiProvider({ apiKey: EMBEDDED_EMULATOR_KEY, baseUrl: emulator.openaiUrl });
    return {
      provider,
      notice: `Using the embedded OpenAI emulator at ${emulator.openaiUrl}: the model is simulated, not a real LLM.`,
      close: release,
    };
  },
};

/** Both entries, for the registry's one line. */
export const OPENAI_ENTRIES: readonly ProviderEntry[] = [openAiEntry, openAiEmulatorEntry];
