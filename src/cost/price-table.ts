/** @module The price table: the built-in prices from `prices.json`, with the config's `prices` overrides on top. */
import { ConfigError } from '../shared/index.ts';
import { resolveModelId, normaliseModelId } from './model-id.ts';
import {
  DEFAULT_BATCH_FACTOR,
  modelPriceSchema,
  priceFileSchema,
  priceOverridesSchema,
  promotionAt,
  type ModelPrice,
  type PricePromotion,
  type PriceOverride,
  type PriceTier,
} from './model-price.ts';
import builtInPriceFile from './prices.json' with { type: 'json' };

/** Looks up what a model costs. Never answers $0 for a model it does not know. */
export interface PriceTable {
  /**
   * The price of `model` (`gemini-2.5-flash`, `models/gemini-2.5-flash`, or a versioned id such as
   * `gemini-2.5-flash-001`; see `resolveModelId`) on the UTC day of `at` (epoch ms; default: the table's clock), so
   * a dated promotion replaces the base token prices while it is valid. Throws ConfigError for a model with no price.
   */
  priceFor(model: string, at?: number): ModelPrice;
  /** Every model id with a price, built-in or configured, sorted. */
  readonly models: readonly string[];
  /** Where the built-in prices come from (a URL). */
  readonly source: string;
  /** The date the built-in prices were last checked (YYYY-MM-DD). */
  readonly asOf: string;
}

function zodIssuesText(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string): string {
  return issues.map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
}

function loadBuiltInPrices(): { source: string; asOf: string; models: Map<string, ModelPrice> } {
  const parsed = priceFileSchema.safeParse(builtInPriceFile);
  if (!parsed.success) {
    throw new ConfigError(`src/cost/prices.json is invalid: ${zodIssuesText(parsed.error.issues, 'prices.json')}`);
  }
  const models = new Map<string, ModelPrice>();
  for (const [id, price] of Object.entries(parsed.data.models)) models.set(id, toModelPrice(price));
  return { source: parsed.data.source, asOf: parsed.data.asOf, models };
}

type CheckedPrice = { [Field in keyof ModelPrice]-?: ModelPrice[Field] | (undefined extends ModelPrice[Field] ? undefined : never) };

/** Copies a checked price without `undefined` members (exactOptionalPropertyTypes) and freezes it. */
function toModelPrice(price: Partial<CheckedPrice> & Pick<ModelPrice, 'inputPerMTok' | 'outputPerMTok' | 'cachedInputPerMTok' | 'batchFactor'>): ModelPrice {
  const copy: ModelPrice = {
    inputPerMTok: price.inputPerMTok,
    outputPerMTok: price.outputPerMTok,
    cachedInputPerMTok: price.cachedInputPerMTok,
    batchFactor: price.batchFactor,
  };
  if (price.tiers !== undefined) copy.tiers = Object.freeze(price.tiers.map((tier) => Object.freeze({ ...tier }))) as PriceTier[];
  if (price.batchDiscountsCacheHits !== undefined) copy.batchDiscountsCacheHits = price.batchDiscountsCacheHits;
  if (price.cacheStoragePerMTokHour !== undefined) copy.cacheStoragePerMTokHour = price.cacheStoragePerMTokHour;
  if (price.searchPer1kRequests !== undefined) copy.searchPer1kRequests = price.searchPer1kRequests;
  if (price.minCachedTokens !== undefined) copy.minCachedTokens = price.minCachedTokens;
  if (price.promotions !== undefined) {
    copy.promotions = Object.freeze(price.promotions.map((promotion) => Object.freeze({ ...promotion }))) as PricePromotion[];
  }
  return Object.freeze(copy);
}

/** `price` with a promotion's token prices in place of the base ones (its long-prompt tiers no longer apply). */
function promoted(price: ModelPrice, promotion: PricePromotion): ModelPrice {
  const { tiers: _tiers, ...rest } = price;
  return Object.freeze({
    ...rest,
    inputPerMTok: promotion.inputPerMTok,
    outputPerMTok: promotion.outputPerMTok,
    cachedInputPerMTok: promotion.cachedInputPerMTok,
  });
}

function mergeOverride(id: string, override: PriceOverride, base: ModelPrice | undefined): ModelPrice {
  // A field given as undefined means "not given", so it must not hide the base or default value.
  const given = Object.fromEntries(Object.entries(override).filter(([, value]) => value !== undefined));
  let merged: PriceOverride;
  if (base !== undefined) {
    merged = { ...base, ...given };
  } else if (override.inputPerMTok !== undefined && override.outputPerMTok !== undefined) {
    merged = { cachedInputPerMTok: override.inputPerMTok, batchFactor: DEFAULT_BATCH_FACTOR, ...given };
  } else {
    throw new ConfigError(
      `prices.${id}: ${id} has no built-in price, so it needs at least inputPerMTok and outputPerMTok ` +
        '(cachedInputPerMTok defaults to inputPerMTok, batchFactor to 0.5)',
    );
  }
  const checked = modelPriceSchema.safeParse(merged);
  if (!checked.success) throw new ConfigError(zodIssuesText(checked.error.issues, `prices.${id}`));
  return toModelPrice(checked.data);
}

/**
 * Builds the price table from the built-in `prices.json` and the config's `prices` section.
 *
 * An override for a known model (or a versioned id of one) replaces only the fields it names (`tiers` as a whole).
 * An override for a new model needs `inputPerMTok` and `outputPerMTok`; `cachedInputPerMTok` defaults to
 * `inputPerMTok` (no cache discount is assumed) and `batchFactor` to 0.5. Override keys may carry `models/`.
 * Throws ConfigError for an invalid override, naming the config path (e.g. `prices.my-model.inputPerMTok`).
 *
 * @example
 * const table = createPriceTable({ 'gemini-2.5-flash': { inputPerMTok: 0.25 } });
 * table.priceFor('models/gemini-2.5-flash-001').inputPerMTok; // 0.25
 */
export function createPriceTable(
  overrides?: Readonly<Record<string, PriceOverride>>,
  options: {
    /** The config file as shown to the user, named by the unknown-model message. @default 'truebatch.config.yaml' */
    configFile?: string;
    /** The clock that picks dated prices when `priceFor` is given no time. @default Date.now */
    now?: () => number;
  } = {},
): PriceTable {
  const configFile = options.configFile ?? 'truebatch.config.yaml';
  const now = options.now ?? Date.now;
  const promotedPrices = new Map<PricePromotion, ModelPrice>();
  const builtIn = loadBuiltInPrices();
  const models = new Map(builtIn.models);
  const parsedOverrides = priceOverridesSchema.safeParse(overrides ?? {});
  if (!parsedOverrides.success) throw new ConfigError(zodIssuesText(parsedOverrides.error.issues, 'prices'));
  const seen = new Map<string, string>();
  for (const [key, override] of Object.entries(parsedOverrides.data)) {
    const id = normaliseModelId(key);
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new ConfigError(`prices: ${earlier} and ${key} name the same model ${id}`);
    seen.set(id, key);
    const baseId = resolveModelId(id, builtIn.models.keys());
    models.set(id, mergeOverride(id, override, baseId === undefined ? undefined : builtIn.models.get(baseId)));
  }
  const ids = Object.freeze([...models.keys()].sort());
  return Object.freeze({
    models: ids,
    source: builtIn.source,
    asOf: builtIn.asOf,
    priceFor(model: string, at?: number): ModelPrice {
      const id = resolveModelId(model, ids);
      const price = id === undefined ? undefined : models.get(id);
      if (price === undefined) {
        throw new ConfigError(
          `no price for model ${model}: add it under prices in ${configFile} ` +
            '(inputPerMTok, outputPerMTok, cachedInputPerMTok, batchFactor; USD per 1M tokens)',
        );
      }
      const promotion = promotionAt(price, at ?? now());
      if (promotion === undefined) return price;
      let chosen = promotedPrices.get(promotion);
      if (chosen === undefined) promotedPrices.set(promotion, (chosen = promoted(price, promotion)));
      return chosen;
    },
  });
}
