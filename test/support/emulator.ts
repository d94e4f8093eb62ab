/**
 * @module Emulators for end-to-end tests: started on port 0 with short job timings, closed after each test, with
 * the environment that points the CLI's `gemini` and `anthropic` providers at them.
 */
import { afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.ts';

/** The API key the test emulators require (not a secret). */
export const TEST_API_KEY = 'test-key-not-secret';

/** A started emulator and the environment for `runCli`. */
export interface TestEmulator {
  server: RunningEmulator;
  env: Record<string, string>;
}

/**
 * Registers an `afterEach` that closes every emulator started through the returned function, which starts one
 * with `defaults` and then `options` applied.
 */
export function emulatorPerTest(defaults: EmulatorOptions = {}): (options?: EmulatorOptions) => Promise<TestEmulator> {
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return async (options = {}) => {
    const settings = { apiKey: TEST_API_KEY, jobDurationMs: 150, pendingMs: 50, ...defaults, ...options };
    const server = await startEmulator(settings);
    running.push(server);
    const key = settings.apiKey ?? TEST_API_KEY;
    return { server, env: { GEMINI_API_KEY: key, GOOGLE_GEMINI_BASE_URL: server.url, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.anthropicUrl } };
  };
}
