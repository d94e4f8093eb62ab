import { describe, expect, it } from 'vitest';
import { modelPriceSchema, priceOverridesSchema, priceTierFor, type ModelPrice } from './model-price.ts';

const tiered: ModelPrice = {
  inputPerMTok: 1,
  outputPerMTok: 2,
  cachedInputPerMTok: 0.1,
  tiers: [
    { abovePromptTokens: 500_000, inputPerMTok: 5, outputPerMTok: 6, cachedInputPerMTok: 0.5 },
    { abovePromptTokens: 200_000, inputPerMTok: 3, outputPerMTok: 4, cachedInputPerMTok: 0.3 },
  ],
  batchFactor: 0.5,
};

describe('priceTierFor', () => {
  it('uses the base prices up to and including the threshold, the tier above it', () => {
    expect(priceTierFor(tiered, 0).inputPerMTok).toBe(1);
    expect(priceTierFor(tiered, 200_000).inputPerMTok).toBe(1);
    expect(priceTierFor(tiered, 200_001)).toEqual({ inputPerMTok: 3, outputPerMTok: 4, cachedInputPerMTok: 0.3 });
  });

  it('picks the highest tier that applies, whatever the array order', () => {
    expect(priceTierFor(tiered, 500_001).inputPerMTok).toBe(5);
    expect(priceTierFor(tiered, 500_000).inputPerMTok).toBe(3);
  });

  it('uses the base prices for a model without tiers', () => {
    const { tiers: _tiers, ...flat } = tiered;
    expect(priceTierFor(flat, 10_000_000).outputPerMTok).toBe(2);
  });
});

describe('price schemas', () => {
  it('refuse negative prices, a zero or above-1 batch factor, and unknown keys', () => {
    const valid = { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.1, batchFactor: 0.5 };
    expect(modelPriceSchema.safeParse(valid).success).toBe(true);
    expect(modelPriceSchema.safeParse({ ...valid, inputPerMTok: -1 }).success).toBe(false);
    expect(modelPriceSchema.safeParse({ ...valid, batchFactor: 0 }).success).toBe(false);
    expect(modelPriceSchema.safeParse({ ...valid, batchFactor: 1.5 }).success).toBe(false);
    expect(modelPriceSchema.safeParse({ ...valid, inputPerMtok: 1 }).success).toBe(false);
    expect(priceOverridesSchema.safeParse({ m: { inputPerMtok: 1 } }).success).toBe(false);
  });

  it('refuse tiers that are not strictly ascending', () => {
    const price = { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.1, batchFactor: 0.5 };
    const tier = { inputPerMTok: 2, outputPerMTok: 3, cachedInputPerMTok: 0.2 };
    const ascending = [{ abovePromptTokens: 100, ...tier }, { abovePromptTokens: 200, ...tier }];
    expect(modelPriceSchema.safeParse({ ...price, tiers: ascending }).success).toBe(true);
    expect(modelPriceSchema.safeParse({ ...price, tiers: [...ascending].reverse() }).success).toBe(false);
    expect(modelPriceSchema.safeParse({ ...price, tiers: [ascending[0], ascending[0]] }).success).toBe(false);
  });
});
