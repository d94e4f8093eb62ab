/**
 * @module What tokens cost, at standard and at batch prices.
 *
 * Arithmetic is exact: a price in USD per 1M tokens is rounded once to a whole number of pico-dollars per token
 * (6 decimals of USD/MTok, finer than any published price), the batch factor to parts per million, and the sums are
 * BigInt. The only rounding after that is the final conversion to a floating-point USD amount (relative error
 * below 1e-15), so for usage without cache hits `batchUsd === batchFactor * standardUsd` up to that last rounding.
 */
import { InputError } from '../shared/index.ts';
import type { TokenUsage } from '../providers/index.ts';
import { priceTierFor, type ModelPrice } from './model-price.ts';

/** A cost at standard (interactive) prices, at batch prices, and what batch saves. USD. */
export interface CostBreakdown {
  standardUsd: number;
  batchUsd: number;
  /** `standardUsd - batchUsd`. */
  savingUsd: number;
}

const PICO_PER_USD_PER_MTOK = 1_000_000;
const PARTS_PER_MILLION = 1_000_000n;
const ATTO_PER_USD = 1e18;

function picoPerToken(usdPerMTok: number): bigint {
  return BigInt(Math.round(usdPerMTok * PICO_PER_USD_PER_MTOK));
}

function tokenCount(name: string, value: number): bigint {
  if (!Number.isFinite(value) || value < 0) {
    throw new InputError('token usage', `${name} must be a non-negative number of tokens, got ${value}`);
  }
  return BigInt(Math.ceil(value));
}

/** Prices fresh input, cache hits and output (thinking included) with the tier that `promptTokens` selects. */
function costOfTokens(
  tokens: { promptTokens: number; freshInput: bigint; cachedInput: bigint; output: bigint },
  price: ModelPrice,
): CostBreakdown {
  const tier = priceTierFor(price, tokens.promptTokens);
  const discountablePico =
    tokens.freshInput * picoPerToken(tier.inputPerMTok) + tokens.output * picoPerToken(tier.outputPerMTok);
  const cachedPico = tokens.cachedInput * picoPerToken(tier.cachedInputPerMTok);
  const factorPpm = BigInt(Math.round(price.batchFactor * Number(PARTS_PER_MILLION)));
  // Gemini's Batch Mode bills context-cache hits at the standard caching rate, so the factor applies to the rest
  // only; a model whose batch discount covers cache hits too says so (`batchDiscountsCacheHits`: OpenAI, Anthropic).
  const standardAtto = (discountablePico + cachedPico) * PARTS_PER_MILLION;
  const cachedFactor = price.batchDiscountsCacheHits === true ? factorPpm : PARTS_PER_MILLION;
  const batchAtto = discountablePico * factorPpm + cachedPico * cachedFactor;
  return {
    standardUsd: Number(standardAtto) / ATTO_PER_USD,
    batchUsd: Number(batchAtto) / ATTO_PER_USD,
    savingUsd: Number(standardAtto - batchAtto) / ATTO_PER_USD,
  };
}

/**
 * What one response's reported usage costs.
 *
 * `promptTokens` includes `cachedTokens`: the prompt minus the cache hits is billed at the input price, the cache
 * hits at the cached-input price, and output plus thinking tokens at the output price. The long-prompt tier is chosen
 * by `promptTokens`. Batch applies `batchFactor` to everything except cache hits, which are billed at the standard
 * caching rate unless the price says batch discounts them too (`batchDiscountsCacheHits`). Throws InputError for a negative or non-finite count; fractional counts are rounded up.
 */
export function costOfUsage(usage: TokenUsage, price: ModelPrice): CostBreakdown {
  const prompt = tokenCount('promptTokens', usage.promptTokens);
  const cached = tokenCount('cachedTokens', usage.cachedTokens);
  return costOfTokens(
    {
      promptTokens: usage.promptTokens,
      freshInput: prompt > cached ? prompt - cached : 0n,
      cachedInput: cached,
      output: tokenCount('outputTokens', usage.outputTokens) + tokenCount('thoughtsTokens', usage.thoughtsTokens),
    },
    price,
  );
}

/**
 * What an estimate of input and output tokens would cost (the tier is chosen by `input`). `cachedInput` (part of
 * `input`, default none) is priced as cache hits. `output` should include any expected thinking tokens.
 */
export function estimateCost(tokens: { input: number; output: number; cachedInput?: number }, price: ModelPrice): CostBreakdown {
  const input = tokenCount('input', tokens.input);
  const cached = tokenCount('cachedInput', Math.min(tokens.cachedInput ?? 0, tokens.input));
  return costOfTokens(
    { promptTokens: tokens.input, freshInput: input - cached, cachedInput: cached, output: tokenCount('output', tokens.output) },
    price,
  );
}

/**
 * What the cache hits in `usage` saved at batch prices: their cost at the input price minus their cost at the cached
 * price (never negative).
 */
export function cacheSavingOfUsage(usage: TokenUsage, price: ModelPrice): number {
  if (usage.cachedTokens <= 0) return 0;
  const uncached = costOfUsage({ ...usage, cachedTokens: 0 }, price).batchUsd;
  return Math.max(0, uncached - costOfUsage(usage, price).batchUsd);
}

/**
 * What an explicit cache of `tokens` tokens costs to keep for `hours` hours, in USD (never discounted in batch).
 * Throws InputError when the model has no storage price: a cache must never be assumed free.
 */
export function cacheStorageUsd(tokens: number, hours: number, price: ModelPrice): number {
  if (price.cacheStoragePerMTokHour === undefined) {
    throw new InputError('cache storage', 'the model has no cacheStoragePerMTokHour in the price table');
  }
  if (!Number.isFinite(hours) || hours < 0) throw new InputError('cache storage', `hours must be non-negative, got ${hours}`);
  return (Number(tokenCount('tokens', tokens) * picoPerToken(price.cacheStoragePerMTokHour)) * hours) / 1e12;
}

/**
 * The web-search fee for `requests` requests that used it, in USD (never discounted in batch). Throws InputError when
 * the model has no search price.
 */
export function searchFeeUsd(requests: number, price: ModelPrice): number {
  if (price.searchPer1kRequests === undefined) {
    throw new InputError('search fee', 'the model has no searchPer1kRequests in the price table');
  }
  return (Number(tokenCount('requests', requests)) * price.searchPer1kRequests) / 1000;
}
