/**
 * @module Explicit context caches over their life: created for a job when it pays off (intent first, like a job),
 * bound into the job's lines at shard writing, kept alive while a job that references it runs, deleted when the
 * last such job is collected, and reconciled after a crash so none is left behind to bill storage.
 */
import type { StageConfig } from '../config/index.ts';
import { COLLECTABLE_STATES, type CacheWithJobs, type JobState } from '../ledger/index.ts';
import type { ContextCaches } from '../providers/index.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { NotFoundError, randomId } from '../shared/index.ts';
import type { EngineContext } from './context.ts';
import { contextPartsOf, contextPreviewOf } from './stage-context.ts';

/** A cache bound into a job's lines: its name and how many leading parts of each request it holds. */
export interface CacheBinding {
  cacheId: number;
  name: string;
  sharedParts: number;
}

/** A cache is extended when it would expire within this time while a job that references it still runs. */
export const CACHE_EXTEND_MARGIN_MS = 60 * 60 * 1000;
/** How long a cache is kept at least (and how far each extension reaches), in seconds. */
const MIN_TTL_SECONDS = 60 * 60;

const DONE: ReadonlySet<string> = new Set<JobState>([...COLLECTABLE_STATES, 'collected']);

function ttlSecondsOf(expectedHours: number): number {
  return Math.max(MIN_TTL_SECONDS, Math.ceil(expectedHours * 3600));
}

/**
 * Creates the cache for the next job of `stage` (about `requests` requests) when its shared context pays off in an
 * explicit cache (see `decideCaching`), recording the intent before the provider is asked; undefined otherwise.
 */
export async function cacheForNextJob(context: EngineContext, stage: StageConfig, requests: number): Promise<CacheBinding | undefined> {
  const caches = context.providerFor(stage.name).caches;
  if (stage.context === undefined || caches === undefined || requests <= 0) return undefined;
  const codec = requestCodecFor(stage.provider);
  const preview = contextPreviewOf(codec, stage, requests, context.prices.priceFor(stage.model));
  if (preview === undefined || !preview.decision.explicit) return undefined;
  const { ledger } = context;
  const displayName = `${context.displayNamePrefix}-${stage.name}-cache-${randomId(6)}`;
  const intent = ledger.durably(() => ledger.caches.recordIntent({ stage: stage.name, model: stage.model, displayName }));
  const created = await caches.createCache({
    model: stage.model,
    displayName,
    content: {
      ...(stage.prompt.system === undefined ? {} : { system: stage.prompt.system }),
      content: contextPartsOf(stage.context),
      ...(stage.tools === undefined ? {} : { tools: stage.tools }),
    },
    ttlSeconds: ttlSecondsOf(preview.expectedHours),
  });
  context.failpoint('after-cache-create');
  ledger.durably(() => ledger.caches.markCreated(intent.id, created.name, created.expiresAt));
  context.failpoint('after-cache-record');
  ledger.addEvent('cache-created', `${displayName} → ${created.name} (${preview.decision.reason})`, { stage: stage.name });
  return { cacheId: intent.id, name: created.name, sharedParts: stage.context.pieces.length };
}

/** Deletes a cache at the provider (an intent without a name: every cache with its display name) and records it. */
async function deleteCache(context: EngineContext, caches: ContextCaches, cache: CacheWithJobs, why: string): Promise<void> {
  const names = cache.remote_name !== null ? [cache.remote_name] : (await caches.findCachesByDisplayName(cache.display_name)).map((found) => found.name);
  for (const name of names) await caches.deleteCache(name);
  context.ledger.caches.markDeleted(cache.id);
  context.ledger.addEvent('cache-deleted', `${cache.display_name}${names.length > 0 ? ` (${names.join(', ')})` : ''}: ${why}`, { stage: cache.stage });
}

/**
 * Tends every cache the ledger still holds: deletes one no job references (a crash between its creation and its
 * job's) or whose jobs are all finished, and extends one that would expire within {@link CACHE_EXTEND_MARGIN_MS}
 * while a job that references it is still at the provider. A cache found gone is recorded as deleted: its lines
 * fail, and are resubmitted in a new job with a new cache. `includeUnclaimed` is for the start of a run only,
 * before this process has created any cache of its own.
 */
export async function tendCaches(context: EngineContext, options: { includeUnclaimed: boolean }): Promise<void> {
  const now = context.clock.now();
  for (const cache of context.ledger.caches.live()) {
    // A cache lives at the provider of the stage that made it.
    const caches = context.providerFor(cache.stage).caches;
    if (caches === undefined) continue;
    if (cache.jobStates.length === 0) {
      if (options.includeUnclaimed) await deleteCache(context, caches, cache, 'no job references it (left by an interrupted run)');
      continue;
    }
    if (cache.jobStates.every((state) => DONE.has(state))) {
      await deleteCache(context, caches, cache, 'its last job is finished');
      continue;
    }
    if (cache.remote_name !== null && cache.expires_at !== null && cache.expires_at - now < CACHE_EXTEND_MARGIN_MS) {
      try {
        const extended = await caches.extendCache(cache.remote_name, MIN_TTL_SECONDS + CACHE_EXTEND_MARGIN_MS / 1000);
        context.ledger.caches.markExtended(cache.id, extended.expiresAt);
        context.ledger.addEvent('cache-extended', `${cache.display_name} until ${new Date(extended.expiresAt).toISOString()}`, { stage: cache.stage });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        context.ledger.caches.markDeleted(cache.id);
        context.ledger.addEvent('cache-expired', `${cache.display_name}: gone before its jobs finished; their lines are resubmitted`, { stage: cache.stage });
      }
    }
  }
}
