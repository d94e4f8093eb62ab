/** @module The fake batch provider: in memory, scripted, on a clock the test controls. */
export { createFakeProvider, FAKE_CAPABILITIES } from './fake-provider.ts';
export { FakeBatchService, FAKE_PROVIDER_NAME, FAKE_DEFAULT_LIMITS, type FakeServiceOptions, type FakeStats } from './fake-service.ts';
export type { FakeAnswer, FakeCallFailure, FakeJobRule, FakeOperation, FakeScript } from './fake-script.ts';
export { fakeResultLine, readFakeResults } from './fake-results.ts';
