import { startEmulator } from '../../emulator/index.ts';
import { geminiRequestCodec } from './gemini-request.ts';
import { CONTRACT_CANCEL_MARKER, runProviderContract } from '../provider.contract.ts';
import { createGeminiProvider } from './index.ts';

const API_KEY = 'contract-key-1234';

runProviderContract({
  requestCodec: geminiRequestCodec,
  name: 'gemini over HTTP to the emulator',
  pollIntervalMs: 25,
  setup: async () => {
    const emulator = await startEmulator({
      apiKey: API_KEY,
      seed: 7,
      pendingMs: 30,
      jobDurationMs: 150,
      // The contract cancels these right after creating them: keep them unfinished so the cancel lands.
      faults: { jobs: [{ displayNameContains: CONTRACT_CANCEL_MARKER, outcome: 'stuck' }] },
    });
    return { provider: createGeminiProvider({ apiKey: API_KEY, baseUrl: emulator.url }), teardown: () => emulator.close() };
  },
});
