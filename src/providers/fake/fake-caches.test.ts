import { describe, expect, it } from 'vitest';
import { createManualClock, NotFoundError, ProviderError } from '../../shared/index.ts';
import { createFakeProvider } from './fake-provider.ts';
import { FakeBatchService } from './fake-service.ts';

const content = { system: 'Use the codebook.', content: [{ kind: 'text' as const, text: 'K codebook. '.repeat(400) }] };

describe('the fake provider context caches', () => {
  it('create, read, extend, find and delete on the service clock; expired or deleted caches are gone', async () => {
    const clock = createManualClock();
    const service = new FakeBatchService({ clock });
    const caches = createFakeProvider({ service }).caches!;
    const cache = await caches.createCache({ model: 'm', displayName: 'tb-cache-1', content, ttlSeconds: 60 });
    expect(cache).toMatchObject({ name: 'cachedContents/fake-1', displayName: 'tb-cache-1', expiresAt: clock.now() + 60_000 });
    expect(service.caches.content(cache.name)).toEqual(content);
    clock.advance(30_000);
    expect((await caches.extendCache(cache.name, 60)).expiresAt).toBe(clock.now() + 60_000);
    expect(await caches.findCachesByDisplayName('tb-cache-1')).toHaveLength(1);
    clock.advance(60_000);
    await expect(caches.getCache(cache.name)).rejects.toThrow(NotFoundError);
    expect(await caches.findCachesByDisplayName('tb-cache-1')).toEqual([]);
    const second = await caches.createCache({ model: 'm', displayName: 'tb-cache-2', content, ttlSeconds: 60 });
    await caches.deleteCache(second.name);
    await caches.deleteCache(second.name);
    expect(service.caches).toMatchObject({ created: 2, deleted: 1 });
    await expect(caches.createCache({ model: 'm', displayName: 'tiny', content: { content: [{ kind: 'text', text: 'K' }] }, ttlSeconds: 60 })).rejects.toThrow(ProviderError);
  });
});
