import { createManualClock, type Clock } from '../../shared/index.ts';
import { fakeRequestCodec } from './fake-request.ts';
import { CONTRACT_CANCEL_MARKER, runProviderContract } from '../provider.contract.ts';
import { createFakeProvider, FakeBatchService } from './index.ts';

const manual = createManualClock();
// The suite's waits move the fake's time on instead of passing real time.
const clock: Clock = { now: () => manual.now(), sleep: (ms) => Promise.resolve(manual.advance(ms)) };

runProviderContract({
  requestCodec: fakeRequestCodec,
  name: 'fake, in memory',
  clock,
  pollIntervalMs: 250,
  setup: () => {
    // The contract cancels these right after creating them: keep them unfinished so the cancel lands.
    const service = new FakeBatchService({ clock, script: { pendingMs: 500, runMs: 2000, jobs: [{ displayNameContains: CONTRACT_CANCEL_MARKER, outcome: 'stuck' }] } });
    return Promise.resolve({ provider: createFakeProvider({ service }), teardown: () => Promise.resolve() });
  },
});
