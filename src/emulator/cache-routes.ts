/**
 * @module `cachedContents` routes: create (POST), list (GET, paginated), get, update (PATCH; expiry only) and delete,
 * as the SDK's `ai.caches` calls them (`/{v}/cachedContents`, `/{v}/cachedContents/{id}`). The resource echoes no
 * contents, tools or ttl: those fields are input only [REST reference CachedContent].
 */
import { Hono, type Context } from 'hono';
import { toRfc3339Nanos } from '../shared/index.ts';
import { errorResponse } from './api-errors.ts';
import { cacheIdOf, dropExpiredCaches, findCache, minCacheTokens, readCreateBody, storeCache, updateCache, type CacheRecord } from './cache-store.ts';
import type { EndpointGuard } from './endpoint-guard.ts';
import type { EmulatorState } from './emulator-state.ts';
import { parseRequestJson } from './lenient-json.ts';
import { listQuery, pageOf } from './pagination.ts';
import type { JsonObject } from './proto-json.ts';
import { isApiVersion } from './public-urls.ts';

/** The CachedContent JSON for `record`. */
export function cacheJson(record: CacheRecord): JsonObject {
  return {
    name: `cachedContents/${record.id}`,
    ...(record.displayName === undefined ? {} : { displayName: record.displayName }),
    model: record.model,
    createTime: toRfc3339Nanos(record.createTimeMs),
    updateTime: toRfc3339Nanos(record.updateTimeMs),
    expireTime: toRfc3339Nanos(record.expireTimeMs),
    usageMetadata: { totalTokenCount: record.totalTokens },
  };
}

/** The `/{v}/cachedContents…` routes. */
export function cacheRoutes(state: EmulatorState, guard: EndpointGuard): Hono {
  const app = new Hono();
  const unknown = (c: Context): Response => errorResponse(404, `The emulator has no endpoint for ${c.req.method} ${c.req.path}.`);

  app.post('/:version/cachedContents', (c) => {
    if (!isApiVersion(c.req.param('version'))) return unknown(c);
    return guard(c, 'caches.create', async () => {
      const draft = readCreateBody(parseRequestJson(await c.req.text(), 'body'), state.options.clock.now());
      const min = minCacheTokens(draft.model);
      if (draft.totalTokens < min) {
        // The real API's words [issues BerriAI/litellm#17696, zyddnys/manga-image-translator#929].
        return errorResponse(400, `Cached content is too small. total_token_count=${draft.totalTokens}, min_total_token_count=${min}`);
      }
      const record = storeCache(state, draft);
      await state.saveSnapshot();
      return c.json(cacheJson(record));
    });
  });

  app.get('/:version/cachedContents', (c) => {
    if (!isApiVersion(c.req.param('version'))) return unknown(c);
    return guard(c, 'caches.list', () => {
      if (dropExpiredCaches(state)) void state.saveSnapshot().catch(() => undefined);
      const { pageSize, pageToken } = listQuery(c);
      const { page, nextPageToken } = pageOf(state.caches.values(), pageSize, pageToken);
      return c.json({
        ...(page.length === 0 ? {} : { cachedContents: page.map(cacheJson) }),
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      });
    });
  });

  app.get('/:version/cachedContents/:id', (c) => {
    if (!isApiVersion(c.req.param('version'))) return unknown(c);
    return guard(c, 'caches.get', () => c.json(cacheJson(findCache(state, cacheIdOf(c.req.param('id'), 'name')))));
  });

  app.patch('/:version/cachedContents/:id', (c) => {
    if (!isApiVersion(c.req.param('version'))) return unknown(c);
    return guard(c, 'caches.update', async () => {
      const record = findCache(state, cacheIdOf(c.req.param('id'), 'name'));
      const mask = c.req.query('updateMask') ?? c.req.query('update_mask');
      updateCache(state, record, parseRequestJson(await c.req.text(), 'body'), mask);
      await state.saveSnapshot();
      return c.json(cacheJson(record));
    });
  });

  app.delete('/:version/cachedContents/:id', (c) => {
    if (!isApiVersion(c.req.param('version'))) return unknown(c);
    return guard(c, 'caches.delete', async () => {
      const record = findCache(state, cacheIdOf(c.req.param('id'), 'name'));
      state.caches.delete(record.id);
      state.counters.cachesDeleted++;
      await state.saveSnapshot();
      return c.json({});
    });
  });
  return app;
}
