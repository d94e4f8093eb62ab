/**
 * @module Gemini's explicit context caches (`cachedContents`, spec D.1) behind the provider's {@link ContextCaches},
 * on the SDK's `ai.caches`. A cache holds the stage's system instruction, shared parts and tools, since a request
 * that names a cache may not set those itself (the API answers 400).
 */
import type { CachedContent, GoogleGenAI, Tool, ToolConfig } from '@google/genai';
import { NotFoundError, ProviderError } from '../../shared/index.ts';
import type { CachedContextInfo, ContextCaches } from '../batch-provider.ts';
import { GEMINI_PROVIDER_NAME, translatingErrors } from './gemini-errors.ts';
import { geminiRequestOf } from './gemini-request.ts';

/** How the caches reach the API: the SDK client, secrets to keep out of messages, and the provider's read retry. */
export interface GeminiCacheAccess {
  ai: GoogleGenAI;
  secrets: readonly string[];
  read: <T>(where: string, call: () => Promise<T>) => Promise<T>;
  pageSize: number;
}

function cacheInfo(cache: CachedContent, where: string): CachedContextInfo {
  const expiresAt = cache.expireTime === undefined ? Number.NaN : Date.parse(cache.expireTime);
  if (cache.name === undefined || !Number.isFinite(expiresAt)) {
    throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: the cache came back without a name or expireTime`, { isRetryable: true });
  }
  const tokens = cache.usageMetadata?.totalTokenCount;
  return {
    name: cache.name,
    displayName: cache.displayName ?? '',
    model: cache.model ?? '',
    expiresAt,
    ...(tokens === undefined ? {} : { tokens }),
  };
}

/** A 404 is the contract's NotFoundError: the cache was deleted or has expired. */
async function orNotFound<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404) throw new NotFoundError(error.message);
    throw error;
  }
}

/** The context caches of a Gemini provider. */
export function createGeminiCaches({ ai, secrets, read, pageSize }: GeminiCacheAccess): ContextCaches {
  const getCache = (name: string): Promise<CachedContextInfo> => {
    const where = `getCache(${name})`;
    return orNotFound(() => read(where, async () => cacheInfo(await ai.caches.get({ name }), where)));
  };
  return {
    async createCache({ model, displayName, content, ttlSeconds }) {
      const where = `createCache(${displayName})`;
      const body = geminiRequestOf({ ...content, generation: {} });
      // Never retried: create is not idempotent; after an error the engine reconciles by displayName.
      const cache = await translatingErrors(where, secrets, () =>
        ai.caches.create({
          model,
          config: {
            displayName,
            ttl: `${Math.ceil(ttlSeconds)}s`,
            contents: body.contents,
            ...(body.systemInstruction === undefined ? {} : { systemInstruction: body.systemInstruction }),
            ...(body.tools === undefined ? {} : { tools: body.tools as Tool[] }),
            // A request naming a cache may not set toolConfig either: the forced answer function goes in the cache.
            ...(body.toolConfig === undefined ? {} : { toolConfig: body.toolConfig as ToolConfig }),
          },
        }),
      );
      return cacheInfo(cache, where);
    },

    getCache,

    async extendCache(name, ttlSeconds) {
      const where = `extendCache(${name})`;
      // Setting a TTL is idempotent (it counts from now), so a retry is safe.
      return orNotFound(() =>
        read(where, async () => cacheInfo(await ai.caches.update({ name, config: { ttl: `${Math.ceil(ttlSeconds)}s` } }), where)),
      );
    },

    async deleteCache(name) {
      try {
        await translatingErrors(`deleteCache(${name})`, secrets, () => ai.caches.delete({ name }));
      } catch (error) {
        // Deleted before, or expired: either way it is gone, as asked.
        if (error instanceof ProviderError && error.status === 404) return;
        throw error;
      }
    },

    async findCachesByDisplayName(displayName) {
      const where = `findCachesByDisplayName(${displayName})`;
      return read(where, async () => {
        const found: CachedContextInfo[] = [];
        const pager = await ai.caches.list({ config: { pageSize } });
        for await (const cache of pager) {
          if (cache.displayName === displayName) found.push(cacheInfo(cache, where));
        }
        return found;
      });
    },
  };
}
