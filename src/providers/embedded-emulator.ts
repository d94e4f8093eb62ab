/**
 * @module The embedded emulator the `emulator`, `openai-emulator` and `anthropic-emulator` entries connect to. One
 * emulator serves all three APIs over one persisted folder, so a project whose stages use two of them (stage 1 on
 * `emulator`, stage 2 on `anthropic-emulator`) shares one: two emulators over one folder would each overwrite the
 * other's `state.json`. Started on first use, closed when its last user closes.
 */
import { join } from 'node:path';
import type { ProjectConfig } from '../config/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';

/** The key the embedded emulator is started with; it is not a secret and never leaves this process. */
export const EMBEDDED_EMULATOR_KEY = 'truebatch-embedded-emulator';

/** A use of the shared emulator; `release` closes it once no other use remains. */
export interface EmbeddedEmulator {
  readonly emulator: RunningEmulator;
  release(this: void): Promise<void>;
}

const running = new Map<string, { started: Promise<RunningEmulator>; users: number }>();

/** The embedded emulator over `<stateDir>/emulator`, started with the config's `emulator` settings unless running. */
export async function useEmbeddedEmulator(config: ProjectConfig, stateDir: string): Promise<EmbeddedEmulator> {
  const storageDir = join(stateDir, 'emulator');
  let shared = running.get(storageDir);
  if (shared === undefined) {
    const started = import('../emulator/index.ts').then(({ startEmulator }) =>
      startEmulator({
        apiKey: EMBEDDED_EMULATOR_KEY,
        storageDir,
        persist: true,
        seed: config.emulator.seed,
        jobDurationMs: config.emulator.jobDurationMs,
        faults: config.emulator.faults,
      }),
    );
    shared = { started, users: 0 };
    running.set(storageDir, shared);
    started.catch(() => running.delete(storageDir));
  }
  const use = shared;
  use.users++;
  const emulator = await use.started.catch((error: unknown) => {
    use.users--;
    throw error;
  });
  let released = false;
  return {
    emulator,
    async release() {
      if (released) return;
      released = true;
      if (--use.users > 0) return;
      running.delete(storageDir);
      await emulator.close();
    },
  };
}
