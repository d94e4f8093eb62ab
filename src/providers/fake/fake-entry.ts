/**
 * @module The fake provider's registry entry. A caller hands it a {@link FakeBatchService} as the provider settings
 * (a test that scripts it and keeps it across "processes"); without one, each connection gets a fresh service.
 */
import type { ProviderEntry } from '../provider-entry.ts';
import { FAKE_CAPABILITIES, createFakeProvider } from './fake-provider.ts';
import { fakeRequestCodec } from './fake-request.ts';
import { readFakeResults } from './fake-results.ts';
import { FAKE_PROVIDER_NAME, FakeBatchService } from './fake-service.ts';

/** `provider: fake`: in memory, on the project's clock. For tests; not a documented project setting. */
export const fakeEntry: ProviderEntry = {
  name: FAKE_PROVIDER_NAME,
  providerName: FAKE_PROVIDER_NAME,
  capabilities: FAKE_CAPABILITIES,
  requestCodec: fakeRequestCodec,
  readResults: readFakeResults,
  connect({ clock, settings }) {
    const service = settings instanceof FakeBatchService ? settings : new FakeBatchService({ clock });
    return Promise.resolve({ provider: createFakeProvider({ service }), notice: undefined, close: () => Promise.resolve() });
  },
};
