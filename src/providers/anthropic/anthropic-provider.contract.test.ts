import { startEmulator } from '../../emulator/index.ts';
import { runProviderContract } from '../provider.contract.ts';
import { createAnthropicProvider } from './anthropic-provider.ts';
import { anthropicRequestCodec } from './anthropic-request.ts';

const API_KEY = 'contract-key-1234';

runProviderContract({
  name: 'anthropic over HTTP to the emulator',
  requestCodec: anthropicRequestCodec,
  model: 'claude-sonnet-5-5',
  pollIntervalMs: 25,
  setup: async () => {
    const emulator = await startEmulator({
      apiKey: API_KEY,
      seed: 7,
      pendingMs: 30,
      jobDurationMs: 150,
      // The contract cancels its second batch right after creating it: keep it unfinished so the cancel lands.
      faults: { anthropic: { batches: [{ nth: 2, outcome: 'stuck' }] } },
    });
    return { provider: createAnthropicProvider({ apiKey: API_KEY, baseUrl: emulator.anthropicUrl }), teardown: () => emulator.close() };
  },
});
