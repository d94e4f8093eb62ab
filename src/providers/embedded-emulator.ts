/**
 * @module How every `*-emulator` registry entry connects: it starts the embedded emulator (all three APIs on one
 * port), persisted in the project's state folder so that, like a real provider, it still knows the jobs of an
 * earlier process (detached, interrupted or killed), and points its provider at the API it speaks. The caller holds
 * the project lock, so one process at a time uses it. The emulator loads only here, on connect.
 */
import { join } from 'node:path';
import type { RunningEmulator } from '../emulator/index.ts';
import type { BatchProvider } from './batch-provider.ts';
import type { ProviderConnectRequest, ProviderConnection } from './provider-entry.ts';

/** The key the embedded emulator is started with; it is not a secret and never leaves this process. */
export const EMBEDDED_EMULATOR_KEY = 'truebatch-embedded-emulator';

/**
 * Starts the embedded emulator and connects `connect`'s provider to it. `label` names the API in the notice
 * (`OpenAI`, `Anthropic`; none for Gemini's).
 */
export async function connectEmbeddedEmulator(
  { config, stateDir }: ProviderConnectRequest,
  label: string | undefined,
  connect: (emulator: RunningEmulator, apiKey: string) => Promise<{ provider: BatchProvider; url: string }>,
): Promise<ProviderConnection> {
  const { startEmulator } = await import('../emulator/index.ts');
  const emulator = await startEmulator({
    apiKey: EMBEDDED_EMULATOR_KEY,
    storageDir: join(stateDir, 'emulator'),
    persist: true,
    seed: config.emulator.seed,
    jobDurationMs: config.emulator.jobDurationMs,
    faults: config.emulator.faults,
  });
  try {
    const { provider, url } = await connect(emulator, EMBEDDED_EMULATOR_KEY);
    const name = label === undefined ? 'emulator' : `${label} emulator`;
    return {
      provider,
      notice: `Using the embedded ${name} at ${url}: the model is simulated, not a real LLM.`,
      close: () => emulator.close(),
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
