import { startEmulator } from '../../emulator/index.ts';
import { CONTRACT_CANCEL_MARKER, runProviderContract } from '../provider.contract.ts';
import { createOpenAiProvider, openAiRequestCodec } from './index.ts';

const API_KEY = 'contract-key-1234';

runProviderContract({
  name: 'openai over HTTP to the emulator',
  model: 'gpt-4.1-mini',
  requestCodec: openAiRequestCodec,
  pollIntervalMs: 25,
  setup: async () => {
    const emulator = await startEmulator({
      apiKey: API_KEY,
      seed: 7,
      pendingMs: 30,
      jobDurationMs: 150,
      // The contract cancels these right after creating them: keep them unfinished so the cancel lands.
      faults: { openai: { batches: [{ metadataContains: CONTRACT_CANCEL_MARKER, outcome: 'stuck' }] } },
    });
    const provider = createOpenAiProvider({ apiKey: API_KEY, baseUrl: emulator.openaiUrl });
    return { provider, teardown: () => emulator.close() };
  },
});
