/** @module The OpenAI Batch API emulator, mounted by the emulator at `/openai/v1`: this folder's only door. */
import type { EmulatorState } from '../emulator-state.ts';
import type { EndpointGuard } from '../endpoint-guard.ts';
import type { Hono } from 'hono';
import { createOpenAiBatchRunner } from './batch-runner.ts';
import { openAiRoutes } from './openai-routes.ts';
import { createOpenAiState, type OpenAiCounters } from './openai-store.ts';

export { openAiEndpointNames, openAiFaultsSchema, type OpenAiFaults, type OpenAiBatchFault } from './openai-faults.ts';

/** The path prefix the OpenAI endpoints are served under (the SDK's `baseURL` is `<emulator url>/openai/v1`). */
export const OPENAI_BASE_PATH = '/openai/v1';

/** `stats().openai`: the counters, batches by status and custom_id submissions. */
export interface OpenAiStats extends OpenAiCounters {
  batchesByStatus: Record<string, number>;
  distinctCustomIdsSubmitted: number;
  /** Submissions of a custom_id submitted before (0 when every request went out exactly once). */
  duplicateCustomIdSubmissions: number;
  liveFiles: number;
}

/** The OpenAI side of one emulator. */
export interface OpenAiEmulator {
  readonly routes: Hono;
  stats(): OpenAiStats;
  /** Works on the live batches for about `sliceMs` (Infinity: everything due); true if due work is left. */
  advanceSlice(sliceMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Creates the OpenAI emulator over an emulator's state (same storage, clock, seed, faults, guard). */
export function createOpenAiEmulator(emulator: EmulatorState, guard: EndpointGuard): OpenAiEmulator {
  const state = createOpenAiState(emulator);
  const runner = createOpenAiBatchRunner(state);
  return {
    routes: openAiRoutes(state, runner, guard),
    stats() {
      const batchesByStatus: Record<string, number> = {};
      for (const batch of state.batches.values()) batchesByStatus[batch.status] = (batchesByStatus[batch.status] ?? 0) + 1;
      let submissions = 0;
      for (const count of state.submissionsByCustomId.values()) submissions += count;
      return {
        ...state.counters,
        batchesByStatus,
        distinctCustomIdsSubmitted: state.submissionsByCustomId.size,
        duplicateCustomIdSubmissions: submissions - state.submissionsByCustomId.size,
        liveFiles: state.files.size,
      };
    },
    advanceSlice: (sliceMs) => runner.advanceSlice(sliceMs),
    close: () => runner.closeAll(),
  };
}
