import { describe, expect, it } from 'vitest';
import { createRng, InputError } from '../shared/index.ts';
import type { TokenUsage } from '../providers/index.ts';
import { cacheSavingOfUsage, cacheStorageUsd, costOfUsage, estimateCost, searchFeeUsd } from './cost-of-usage.ts';
import type { ModelPrice } from './model-price.ts';
import { createPriceTable } from './price-table.ts';

const table = createPriceTable();
const flash = table.priceFor('gemini-2.5-flash');
const pro = table.priceFor('gemini-2.5-pro');

function usage(fields: Partial<TokenUsage>): TokenUsage {
  return { promptTokens: 0, outputTokens: 0, thoughtsTokens: 0, cachedTokens: 0, totalTokens: 0, ...fields };
}

describe('costOfUsage', () => {
  it('prices prompt and output tokens per million at standard, half of that in batch', () => {
    const cost = costOfUsage(usage({ promptTokens: 1_000_000, outputTokens: 1_000_000 }), flash);
    expect(cost).toEqual({ standardUsd: 2.8, batchUsd: 1.4, savingUsd: 1.4 });
  });

  it('prices thinking tokens as output', () => {
    const withThoughts = costOfUsage(usage({ promptTokens: 100, outputTokens: 10, thoughtsTokens: 829 }), flash);
    const allOutput = costOfUsage(usage({ promptTokens: 100, outputTokens: 839 }), flash);
    expect(withThoughts).toEqual(allOutput);
    expect(withThoughts.standardUsd).toBeCloseTo((100 * 0.3 + 839 * 2.5) / 1e6, 15);
  });

  it('prices cache hits at the cached rate and does not halve them in batch', () => {
    const cost = costOfUsage(usage({ promptTokens: 1000, cachedTokens: 200, outputTokens: 100, thoughtsTokens: 50 }), flash);
    // 800 fresh x 0.30 + 200 cached x 0.03 + 150 output x 2.50 = 240 + 6 + 375 micro-dollars
    expect(cost.standardUsd).toBe(621e-6);
    expect(cost.batchUsd).toBe(313.5e-6);
    expect(cost.savingUsd).toBe(307.5e-6);
    const uncached = costOfUsage(usage({ promptTokens: 1000, outputTokens: 100, thoughtsTokens: 50 }), flash);
    expect(uncached.standardUsd).toBeGreaterThan(cost.standardUsd);
  });

  it('halves cache hits in batch too where the price says so (OpenAI)', () => {
    const cost = costOfUsage(usage({ promptTokens: 1000, cachedTokens: 200, outputTokens: 100, thoughtsTokens: 50 }), table.priceFor('gpt-4.1-mini'));
    // 800 fresh x 0.40 + 200 cached x 0.10 + 150 output x 1.60 = 320 + 20 + 240 micro-dollars, all halved in batch
    expect(cost.standardUsd).toBe(580e-6);
    expect(cost.batchUsd).toBe(290e-6);
  });

  it('switches to the long-prompt tier above 200k prompt tokens, for input, cache and output alike', () => {
    expect(costOfUsage(usage({ promptTokens: 200_000 }), pro).standardUsd).toBe(0.25);
    expect(costOfUsage(usage({ promptTokens: 200_001 }), pro).standardUsd).toBe(0.5000025);
    expect(costOfUsage(usage({ promptTokens: 200_000, outputTokens: 1000 }), pro).standardUsd).toBe(0.26);
    expect(costOfUsage(usage({ promptTokens: 200_001, outputTokens: 1000 }), pro).standardUsd).toBe(0.5150025);
    // The tier counts cached tokens too: 150k cached + 50_001 fresh is a 200_001-token prompt.
    const cachedLong = costOfUsage(usage({ promptTokens: 200_001, cachedTokens: 150_000 }), pro);
    expect(cachedLong.standardUsd).toBe((50_001 * 2.5 + 150_000 * 0.25) / 1e6);
  });

  it('gives a batch cost of exactly batchFactor x standard when nothing is cached', () => {
    const rng = createRng('batch-factor');
    const prices: ModelPrice[] = table.models.map((model) => table.priceFor(model));
    prices.push({ inputPerMTok: 0.075, outputPerMTok: 0.3, cachedInputPerMTok: 0.01, batchFactor: 0.37 });
    for (let round = 0; round < 500; round += 1) {
      const price = rng.pick(prices);
      const cost = costOfUsage(
        usage({ promptTokens: rng.int(400_000), outputTokens: rng.int(70_000), thoughtsTokens: rng.int(30_000) }),
        price,
      );
      expect(Math.abs(cost.batchUsd - price.batchFactor * cost.standardUsd)).toBeLessThan(1e-12);
      expect(Math.abs(cost.savingUsd - (cost.standardUsd - cost.batchUsd))).toBeLessThan(1e-12);
    }
  });

  it('adds no floating-point noise: 3 tokens at $0.10/MTok cost exactly $0.0000003', () => {
    const cheap: ModelPrice = { inputPerMTok: 0.1, outputPerMTok: 0.2, cachedInputPerMTok: 0.1, batchFactor: 0.5 };
    expect(costOfUsage(usage({ promptTokens: 3 }), cheap).standardUsd).toBe(3e-7);
    expect(costOfUsage(usage({ promptTokens: 1, outputTokens: 1 }), cheap).standardUsd).toBe(3e-7);
  });

  it('halves cache hits in batch too for a model whose batch discount covers all usage (Anthropic)', () => {
    const claude: ModelPrice = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, batchFactor: 0.5, batchDiscountsCacheHits: true };
    const cost = costOfUsage(usage({ promptTokens: 1_000_000, cachedTokens: 1_000_000 }), claude);
    expect(cost.standardUsd).toBeCloseTo(0.3, 12);
    expect(cost.batchUsd).toBeCloseTo(0.15, 12);
  });

  it('costs nothing for no tokens and never goes negative when cached exceeds prompt', () => {
    expect(costOfUsage(usage({}), pro)).toEqual({ standardUsd: 0, batchUsd: 0, savingUsd: 0 });
    const odd = costOfUsage(usage({ promptTokens: 10, cachedTokens: 20 }), flash);
    expect(odd.standardUsd).toBe((20 * 0.03) / 1e6);
  });

  it('refuses negative and non-finite counts', () => {
    expect(() => costOfUsage(usage({ promptTokens: -1 }), flash)).toThrow(InputError);
    expect(() => costOfUsage(usage({ thoughtsTokens: Number.NaN }), flash)).toThrow(/thoughtsTokens/);
  });
});

describe('estimateCost', () => {
  it('prices estimated tokens like uncached usage, choosing the tier by input', () => {
    const tokens = { input: 250_000, output: 2000 };
    expect(estimateCost(tokens, pro)).toEqual(costOfUsage(usage({ promptTokens: 250_000, outputTokens: 2000 }), pro));
    expect(estimateCost({ input: 1000, output: 500 }, flash)).toEqual({
      standardUsd: 0.00155,
      batchUsd: 0.000775,
      savingUsd: 0.000775,
    });
  });

  it('rounds fractional tokens up and refuses negative ones', () => {
    expect(estimateCost({ input: 0.2, output: 0 }, flash).standardUsd).toBe(0.3e-6);
    expect(() => estimateCost({ input: -5, output: 0 }, flash)).toThrow(InputError);
  });
});

describe('cache saving, storage and search fee', () => {
  it('says what the cache hits saved at batch prices: hits at the input batch rate minus hits at the cached rate', () => {
    const saved = cacheSavingOfUsage(usage({ promptTokens: 6000, cachedTokens: 5000, outputTokens: 100 }), flash);
    expect(saved).toBeCloseTo((5000 * (0.3 * 0.5 - 0.03)) / 1e6, 15);
    expect(cacheSavingOfUsage(usage({ promptTokens: 6000, outputTokens: 100 }), flash)).toBe(0);
  });

  it('prices an estimate with cached input like the same usage', () => {
    const estimate = estimateCost({ input: 6000, output: 100, cachedInput: 5000 }, flash);
    expect(estimate).toEqual(costOfUsage(usage({ promptTokens: 6000, cachedTokens: 5000, outputTokens: 100 }), flash));
  });

  it('prices storage per million tokens per hour and the search fee per thousand requests, never halved', () => {
    expect(cacheStorageUsd(5000, 2, pro)).toBeCloseTo((5000 * 4.5 * 2) / 1e6, 15);
    expect(searchFeeUsd(200, flash)).toBeCloseTo(7, 15);
    const noStorage = table.priceFor('gemini-2.0-flash-lite');
    expect(() => cacheStorageUsd(5000, 1, noStorage)).toThrow(InputError);
    expect(() => searchFeeUsd(1, noStorage)).toThrow(InputError);
  });
});
