/**
 * @module The Gemini provider's registry entries: `gemini` (Google, or any base URL) and `emulator` (Gemini over
 * the embedded emulator). The SDK and the emulator are loaded only on connect.
 */
import { ConfigError } from '../../shared/index.ts';
import { EMBEDDED_EMULATOR_KEY, useEmbeddedEmulator } from '../embedded-emulator.ts';
import type { ProviderEntry } from '../provider-entry.ts';
import { GEMINI_CAPABILITIES } from './gemini-capabilities.ts';
import { geminiRequestCodec } from './gemini-request.ts';
import { readGeminiResults } from './gemini-results.ts';

/** Not `GEMINI_PROVIDER_NAME` from gemini-errors.ts: that module loads the SDK. */
const GEMINI = 'gemini';

/** Gemini at Google, or at the project's base URL; the key comes from the environment only. */
export const geminiEntry: ProviderEntry = {
  name: GEMINI,
  providerName: GEMINI,
  capabilities: GEMINI_CAPABILITIES,
  requestCodec: geminiRequestCodec,
  readResults: readGeminiResults,
  async connect({ config }) {
    if (config.apiKey === undefined) {
      throw new ConfigError(
        'provider gemini needs an API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment, ' +
          'or try the local emulator with --provider emulator',
      );
    }
    const { createGeminiProvider } = await import('./gemini-provider.ts');
    const provider = createGeminiProvider({
      apiKey: config.apiKey,
      ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
      apiVersion: config.gemini.apiVersion,
      uploadMimeType: config.gemini.uploadMimeType,
      uploadRetry: config.resilience.retry,
    });
    return { provider, notice: undefined, close: () => Promise.resolve() };
  },
};

/**
 * Gemini against the embedded emulator. It persists in the project's state folder, so, like Google, it still knows
 * the jobs of an earlier process (detached, interrupted or killed). The caller holds the project lock, so one
 * process at a time uses it.
 */
export const emulatorEntry: ProviderEntry = {
  name: 'emulator',
  providerName: GEMINI,
  capabilities: GEMINI_CAPABILITIES,
  requestCodec: geminiRequestCodec,
  readResults: readGeminiResults,
  async connect({ config, stateDir }) {
    const { createGeminiProvider } = await import('./gemini-provider.ts');
    const { emulator, release } = await useEmbeddedEmulator(config, stateDir);
    const provider = createGeminiProvider({
      apiKey: EMBEDDED_EMULATOR_KEY,
      baseUrl: emulator.url,
      apiVersion: config.gemini.apiVersion,
      uploadMimeType: config.gemini.uploadMimeType,
      uploadRetry: config.resilience.retry,
    });
    return {
      provider,
      notice: `Using the embedded emulator at ${emulator.url}: the model is simulated, not a real LLM.`,
      close: release,
    };
  },
};
