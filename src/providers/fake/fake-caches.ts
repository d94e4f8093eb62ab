/**
 * @module The fake provider's context caches: in memory, on the service's clock, with the same rules the engine
 * relies on from a real provider (a cache is gone once deleted or expired; a too-small cache is refused).
 */
import { NotFoundError, ProviderError, type Clock } from '../../shared/index.ts';
import type { CachedContextInfo, ContextCaches } from '../batch-provider.ts';
import type { CachedContextContent } from '../../requests/index.ts';

/** The fake's smallest cache, in its tokens (a quarter of the content's characters, as it counts usage). */
export const FAKE_MIN_CACHED_TOKENS = 1024;

interface StoredCache extends CachedContextInfo {
  content: CachedContextContent;
}

/** Caches by name, with counts for tests. */
export class FakeCacheStore {
  readonly #clock: Clock;
  readonly #caches = new Map<string, StoredCache>();
  #nextId = 1;
  created = 0;
  deleted = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The caches not deleted and not expired now. */
  live(): CachedContextInfo[] {
    return [...this.#caches.values()].filter((cache) => cache.expiresAt > this.#clock.now()).map(({ content: _content, ...info }) => info);
  }

  /** A live cache's content (what a request naming it is answered as if it held). Throws NotFoundError when gone. */
  content(name: string): CachedContextContent {
    return this.#live(name, `content(${name})`).content;
  }

  create(options: { model: string; displayName: string; content: CachedContextContent; ttlSeconds: number }): CachedContextInfo {
    const tokens = Math.ceil(JSON.stringify(options.content).length / 4);
    if (tokens < FAKE_MIN_CACHED_TOKENS) {
      throw new ProviderError('fake', `fake createCache(${options.displayName}): ${tokens} tokens is under the minimum of ${FAKE_MIN_CACHED_TOKENS}`, {
        status: 400,
        isRetryable: false,
      });
    }
    const name = `cachedContents/fake-${this.#nextId++}`;
    const cache: StoredCache = { name, displayName: options.displayName, model: options.model, expiresAt: this.#expiry(options.ttlSeconds), tokens, content: options.content };
    this.#caches.set(name, cache);
    this.created++;
    return this.#info(cache);
  }

  get(name: string): CachedContextInfo {
    return this.#info(this.#live(name, `getCache(${name})`));
  }

  extend(name: string, ttlSeconds: number): CachedContextInfo {
    const cache = this.#live(name, `extendCache(${name})`);
    cache.expiresAt = this.#expiry(ttlSeconds);
    return this.#info(cache);
  }

  delete(name: string): void {
    if (this.#caches.delete(name)) this.deleted++;
  }

  find(displayName: string): CachedContextInfo[] {
    return this.live().filter((cache) => cache.displayName === displayName);
  }

  #expiry(ttlSeconds: number): number {
    return this.#clock.now() + Math.ceil(ttlSeconds) * 1000;
  }

  #live(name: string, where: string): StoredCache {
    const cache = this.#caches.get(name);
    if (cache === undefined || cache.expiresAt <= this.#clock.now()) throw new NotFoundError(`fake ${where}: no such cache (deleted or expired)`);
    return cache;
  }

  #info({ content: _content, ...info }: StoredCache): CachedContextInfo {
    return { ...info };
  }
}

/** The {@link ContextCaches} of a fake provider over `store`; every call yields once, as a network call would. */
export function fakeContextCaches(store: FakeCacheStore): ContextCaches {
  const later = async <T>(work: () => T): Promise<T> => {
    await Promise.resolve();
    return work();
  };
  return {
    createCache: (options) => later(() => store.create(options)),
    getCache: (name) => later(() => store.get(name)),
    extendCache: (name, ttlSeconds) => later(() => store.extend(name, ttlSeconds)),
    deleteCache: (name) => later(() => store.delete(name)),
    findCachesByDisplayName: (displayName) => later(() => store.find(displayName)),
  };
}
