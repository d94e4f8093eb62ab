/** @module What one model costs per token, and the schemas that check prices from the data file and from config. */
import { z } from 'zod';

/** Prices that replace the base prices when a prompt is longer than `abovePromptTokens` tokens. */
export interface PriceTier {
  /** The tier applies when the prompt (cached tokens included) has strictly more tokens than this. */
  abovePromptTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
}

/**
 * A model's standard (interactive) prices in USD per 1M tokens, and the factor that turns them into batch prices.
 * Thinking tokens are billed at `outputPerMTok`.
 */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt tokens served from a context cache (implicit or explicit). */
  cachedInputPerMTok: number;
  /** Long-prompt tiers, ascending by `abovePromptTokens`. */
  tiers?: PriceTier[];
  /** Batch price = `batchFactor` x standard price, for everything except cache hits (unless `batchDiscountsCacheHits`). */
  batchFactor: number;
  /** Batch applies `batchFactor` to cache hits too (a provider whose batch discount covers all usage); else they cost the standard rate. */
  batchDiscountsCacheHits?: boolean;
  /** An explicit cache's storage, USD per 1M cached tokens per hour; never discounted in batch. */
  cacheStoragePerMTokHour?: number;
  /** The web-search (grounding) fee, USD per 1,000 requests that used it; never discounted in batch. */
  searchPer1kRequests?: number;
  /** The smallest shared prefix, in tokens, that the provider caches for this model. */
  minCachedTokens?: number;
  /** Dated prices (a promotion) that replace the base prices while they are valid. */
  promotions?: PricePromotion[];
}

/** Prices valid from `validFrom` to `validTo` (UTC days, both inclusive; an open end when not given). */
export interface PricePromotion {
  validFrom?: string | undefined;
  validTo?: string | undefined;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
}

/**
 * One model's entry under `prices` in the config: any fields of {@link ModelPrice}; a model without a built-in price
 * needs at least `inputPerMTok` and `outputPerMTok`.
 */
export type PriceOverride = { [Field in keyof ModelPrice]?: ModelPrice[Field] | undefined };

/** Gemini Batch Mode bills half the standard price. */
export const DEFAULT_BATCH_FACTOR = 0.5;

const usdPerMTok = z.number().nonnegative();

const priceTierSchema = z.strictObject({
  abovePromptTokens: z.number().int().positive(),
  inputPerMTok: usdPerMTok,
  outputPerMTok: usdPerMTok,
  cachedInputPerMTok: usdPerMTok,
});

const tiersSchema = z.array(priceTierSchema).superRefine((tiers, context) => {
  for (let index = 1; index < tiers.length; index += 1) {
    const previous = tiers[index - 1];
    const current = tiers[index];
    if (previous !== undefined && current !== undefined && current.abovePromptTokens <= previous.abovePromptTokens) {
      context.addIssue({
        code: 'custom',
        path: [index, 'abovePromptTokens'],
        message: 'tiers must be in strictly ascending order of abovePromptTokens',
      });
    }
  }
});

const promotionSchema = z
  .strictObject({
    validFrom: z.iso.date().optional(),
    validTo: z.iso.date().optional(),
    inputPerMTok: usdPerMTok,
    outputPerMTok: usdPerMTok,
    cachedInputPerMTok: usdPerMTok,
  })
  .refine((promotion) => promotion.validFrom === undefined || promotion.validTo === undefined || promotion.validFrom <= promotion.validTo, {
    message: 'validFrom must not be after validTo',
  });

/** A complete model price, as in `prices.json`. */
export const modelPriceSchema = z.strictObject({
  inputPerMTok: usdPerMTok,
  outputPerMTok: usdPerMTok,
  cachedInputPerMTok: usdPerMTok,
  tiers: tiersSchema.optional(),
  batchFactor: z.number().positive().max(1),
  batchDiscountsCacheHits: z.boolean().optional(),
  cacheStoragePerMTokHour: usdPerMTok.optional(),
  searchPer1kRequests: z.number().nonnegative().optional(),
  minCachedTokens: z.number().int().nonnegative().optional(),
  promotions: z.array(promotionSchema).optional(),
});

/** One model's override under `prices` in the config. Unknown keys (typos) are refused. */
export const priceOverrideSchema = modelPriceSchema.partial();

/** The `prices` section of the config: model id to override. */
export const priceOverridesSchema = z.record(z.string().min(1), priceOverrideSchema);

/** The shape of `prices.json`. */
export const priceFileSchema = z.strictObject({
  source: z.url(),
  asOf: z.iso.date(),
  notes: z.array(z.string()).optional(),
  /** Where the fields that came later than the token prices were read, and when. */
  fieldSources: z
    .record(z.string().min(1), z.strictObject({ source: z.url(), asOf: z.iso.date(), note: z.string().optional() }))
    .optional(),
  models: z.record(z.string().min(1), modelPriceSchema),
});

/** The price tier that applies to a prompt of `promptTokens` tokens (the base prices when no tier applies). */
export function priceTierFor(
  price: ModelPrice,
  promptTokens: number,
): { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok: number } {
  let chosen: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok: number } = price;
  let chosenThreshold = -1;
  for (const tier of price.tiers ?? []) {
    if (promptTokens > tier.abovePromptTokens && tier.abovePromptTokens > chosenThreshold) {
      chosen = tier;
      chosenThreshold = tier.abovePromptTokens;
    }
  }
  return {
    inputPerMTok: chosen.inputPerMTok,
    outputPerMTok: chosen.outputPerMTok,
    cachedInputPerMTok: chosen.cachedInputPerMTok,
  };
}

/** The promotion valid on the UTC day of `at` (epoch ms), if any; the first listed wins. */
export function promotionAt(price: ModelPrice, at: number): PricePromotion | undefined {
  const day = new Date(at).toISOString().slice(0, 10);
  return price.promotions?.find(
    (promotion) => (promotion.validFrom ?? day) <= day && day <= (promotion.validTo ?? day),
  );
}
