/**
 * @module Whether an explicit context cache pays off for one job: what its hits save against what its storage costs
 * while the job waits, within the model's minimum cacheable size. Pure: the engine gives the numbers.
 */
import { cacheStorageUsd, estimateCost } from './cost-of-usage.ts';
import { formatUsd } from './format-usd.ts';
import type { ModelPrice } from './model-price.ts';

/** `auto` decides by cost; `always` and `never` force the choice (within the model's minimum). */
export type CacheMode = 'auto' | 'always' | 'never';

/** The choice and why, with the figures it rests on (USD at batch prices). */
export interface CacheDecision {
  readonly explicit: boolean;
  /** One sentence for `plan`, given whether the cache is chosen or not. */
  readonly reason: string;
  /** What the cache hits would save over the job's requests (0 when not computed). */
  readonly savingUsd: number;
  /** What storing the cache would cost for the expected time (0 when not computed). */
  readonly storageUsd: number;
}

/**
 * Decides for a job of `requests` requests that share `sharedTokens` tokens of context, expected to take
 * `expectedHours` from cache creation to collection. The saving is the shared tokens of every request billed at the
 * cached price instead of the batch input price (the base prices: a long-prompt tier is not assumed); the storage
 * is the storage price × tokens × hours. Without an explicit cache, requests still put the shared context first so
 * the provider's implicit caching can hit.
 */
export function decideCaching(input: {
  mode: CacheMode;
  sharedTokens: number;
  requests: number;
  expectedHours: number;
  price: ModelPrice;
}): CacheDecision {
  const { mode, sharedTokens, requests, expectedHours, price } = input;
  const no = (reason: string, savingUsd = 0, storageUsd = 0): CacheDecision => ({ explicit: false, reason, savingUsd, storageUsd });
  if (sharedTokens <= 0 || requests <= 0) return no('no explicit cache: nothing shared to cache');
  if (mode === 'never') return no('no explicit cache: context.cache is never; the shared context goes first for implicit caching');
  const minimum = price.minCachedTokens ?? 0;
  if (sharedTokens < minimum) {
    return no(
      `no explicit cache: the shared context has about ${sharedTokens} tokens, under the model's minimum of ${minimum} ` +
        'cacheable tokens' + (mode === 'always' ? ' (context.cache always cannot apply)' : ''),
    );
  }
  if (price.cacheStoragePerMTokHour === undefined) {
    return no('no explicit cache: the model has no cache storage price (cacheStoragePerMTokHour) in the price table');
  }
  const sharedInput = sharedTokens * requests;
  const savingUsd =
    estimateCost({ input: sharedInput, output: 0 }, price).batchUsd -
    estimateCost({ input: sharedInput, output: 0, cachedInput: sharedInput }, price).batchUsd;
  const storageUsd = cacheStorageUsd(sharedTokens, expectedHours, price);
  const figures =
    `${sharedTokens} shared tokens × ${requests} requests save ${formatUsd(savingUsd)}; ` +
    `storage for ${hoursText(expectedHours)} costs ${formatUsd(storageUsd)}`;
  if (mode === 'always') return { explicit: true, reason: `explicit cache (context.cache always): ${figures}`, savingUsd, storageUsd };
  if (savingUsd > storageUsd) return { explicit: true, reason: `explicit cache pays off: ${figures}`, savingUsd, storageUsd };
  return no(`no explicit cache: it would not pay off (${figures}); the shared context goes first for implicit caching`, savingUsd, storageUsd);
}

function hoursText(hours: number): string {
  return `${Number(hours.toFixed(2))} h`;
}
