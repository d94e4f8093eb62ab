import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import { createManualClock, NotFoundError, ProviderError } from '../../shared/index.ts';
import type { ContextCaches } from '../batch-provider.ts';
import { createGeminiProvider } from './index.ts';

const KEY = 'caches-key-123';
type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const emulators: Emulator[] = [];
afterEach(async () => {
  for (const emulator of emulators.splice(0)) await emulator.close();
});

async function caches(): Promise<{ emulator: Emulator; caches: ContextCaches; clock: ReturnType<typeof createManualClock> }> {
  const clock = createManualClock();
  const emulator = await startEmulator({ apiKey: KEY, clock, pendingMs: 0, jobDurationMs: 0 });
  emulators.push(emulator);
  const provider = createGeminiProvider({ apiKey: KEY, baseUrl: emulator.url, uploadRetry: { attempts: 1 } });
  if (provider.caches === undefined) throw new Error('the Gemini provider has context caches');
  return { emulator, caches: provider.caches, clock };
}

const codebook = 'Exchangeable potassium is extracted with 1 M ammonium acetate at pH 7. '.repeat(80);

describe('Gemini context caches on the emulator', () => {
  it('create, read, extend, find by display name and delete a cache holding system text, shared parts and tools', async () => {
    const { emulator, caches: cacheApi, clock } = await caches();
    const created = await cacheApi.createCache({
      model: 'gemini-2.5-flash',
      displayName: 'tb-cache-run1-extract',
      content: { system: 'Answer from the codebook.', content: [{ kind: 'text', text: codebook }] },
      ttlSeconds: 600,
    });
    expect(created).toMatchObject({ displayName: 'tb-cache-run1-extract', model: 'models/gemini-2.5-flash', expiresAt: clock.now() + 600_000 });
    expect(created.tokens).toBeGreaterThan(1024);
    expect(await cacheApi.getCache(created.name)).toEqual(created);

    clock.advance(60_000);
    expect((await cacheApi.extendCache(created.name, 3600)).expiresAt).toBe(clock.now() + 3_600_000);
    expect(await cacheApi.findCachesByDisplayName('tb-cache-run1-extract')).toHaveLength(1);
    expect(await cacheApi.findCachesByDisplayName('tb-cache-other')).toEqual([]);

    await cacheApi.deleteCache(created.name);
    await cacheApi.deleteCache(created.name); // gone already: not an error
    await expect(cacheApi.getCache(created.name)).rejects.toThrow(NotFoundError);
    await expect(cacheApi.extendCache(created.name, 60)).rejects.toThrow(NotFoundError);
    expect(emulator.stats()).toMatchObject({ cachesCreated: 1, cachesDeleted: 1, cachesLive: 0 });
  });

  it('reads an expired cache as gone, and passes on a refusal with the API words', async () => {
    const { caches: cacheApi, clock } = await caches();
    const created = await cacheApi.createCache({ model: 'gemini-2.5-flash', displayName: 'short', content: { content: [{ kind: 'text', text: codebook }] }, ttlSeconds: 60 });
    clock.advance(61_000);
    await expect(cacheApi.getCache(created.name)).rejects.toThrow(NotFoundError);
    const tooSmall = cacheApi.createCache({ model: 'gemini-2.5-flash', displayName: 'tiny', content: { content: [{ kind: 'text', text: 'K' }] }, ttlSeconds: 60 });
    await expect(tooSmall).rejects.toThrow(ProviderError);
  });
});
