import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { createPriceTable } from './price-table.ts';
import builtInPriceFile from './prices.json' with { type: 'json' };

const GEMINI_MODELS = [
  'gemini-2.0-flash',
  'gemini-2.0-flash-lite',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.5-pro',
  'gemini-3-flash-preview',
  'gemini-3-pro-preview',
  'gemini-3.8-flash',
];
/** Embedding models: input only, no output tokens. */
const EMBEDDING_MODELS = ['gemini-embedding-001'];
/** OpenAI's (see the note in prices.json for their sources). */
const OPENAI_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano'];
const CLAUDE_MODELS = [
  'claude-haiku-4-5',
  'claude-opus-4-6',
  'claude-opus-4-8',
  'claude-opus-5',
  'claude-opus-5-5',
  'claude-sonnet-4-5',
  'claude-sonnet-4-6',
  'claude-sonnet-5',
  'claude-sonnet-5-5',
];

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new ConfigError('expected a ConfigError, nothing was thrown');
}

describe('the built-in price table', () => {
  const table = createPriceTable();

  it('prices every listed Gemini model at half price in batch, with a source and a date', () => {
    expect(table.models.filter((model) => model.startsWith('gemini'))).toEqual([...GEMINI_MODELS, ...EMBEDDING_MODELS]);
    expect(table.source).toBe('https://ai.google.dev/gemini-api/docs/pricing');
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const model of [...GEMINI_MODELS, ...EMBEDDING_MODELS]) expect(table.priceFor(model).batchFactor).toBe(0.5);
  });

  it('prices OpenAI models at half price in batch, and a dated snapshot as its model', () => {
    expect(table.models.filter((model) => model.startsWith('gpt'))).toEqual([...OPENAI_MODELS].sort());
    for (const model of OPENAI_MODELS) expect(table.priceFor(model).batchFactor).toBe(0.5);
    expect(table.priceFor('gpt-4.1-mini-2025-04-14')).toMatchObject({ inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 });
    expect(() => table.priceFor('gpt-4.1-mini-audio')).toThrow(ConfigError);
  });

  it('prices current Claude models at half price in batch, cache hits included (Anthropic: 50% on all usage)', () => {
    expect(table.models.filter((model) => model.startsWith('claude'))).toEqual(CLAUDE_MODELS);
    for (const model of CLAUDE_MODELS) expect(table.priceFor(model)).toMatchObject({ batchFactor: 0.5, batchDiscountsCacheHits: true });
    expect(table.priceFor('claude-sonnet-4-6')).toMatchObject({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 });
  });

  it('prices gemini-embedding-001 at $0.15 per 1M input tokens and nothing for output', () => {
    expect(table.priceFor('models/gemini-embedding-001')).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0 });
  });

  it('has plausible numbers: output dearer than input, cache hits no dearer than input, tiers dearer than base', () => {
    for (const model of GEMINI_MODELS) {
      const price = table.priceFor(model);
      expect(price.inputPerMTok, model).toBeGreaterThan(0);
      expect(price.outputPerMTok, model).toBeGreaterThan(price.inputPerMTok);
      expect(price.cachedInputPerMTok, model).toBeLessThanOrEqual(price.inputPerMTok);
      for (const tier of price.tiers ?? []) {
        expect(tier.inputPerMTok, model).toBeGreaterThan(price.inputPerMTok);
        expect(tier.outputPerMTok, model).toBeGreaterThan(price.outputPerMTok);
      }
    }
  });

  it('has the 200k-token tier on the Pro models', () => {
    expect(table.priceFor('gemini-2.5-pro').tiers).toEqual([
      { abovePromptTokens: 200_000, inputPerMTok: 2.5, outputPerMTok: 15, cachedInputPerMTok: 0.25 },
    ]);
    expect(table.priceFor('gemini-3-pro-preview').tiers?.[0]?.abovePromptTokens).toBe(200_000);
    expect(table.priceFor('gemini-2.5-flash').tiers).toBeUndefined();
  });

  it('accepts models/ and versioned ids', () => {
    const flash = table.priceFor('gemini-2.5-flash');
    expect(table.priceFor('models/gemini-2.5-flash')).toBe(flash);
    expect(table.priceFor('gemini-2.5-flash-001')).toBe(flash);
    expect(table.priceFor('models/gemini-2.5-flash-preview-09-2025')).toBe(flash);
    expect(table.priceFor('gemini-2.5-flash-lite-001')).toBe(table.priceFor('gemini-2.5-flash-lite'));
  });

  it('refuses an unknown model with a message that says how to fix it', () => {
    const error = configErrorOf(() => table.priceFor('gpt-9'));
    expect(error.message).toBe(
      'no price for model gpt-9: add it under prices in truebatch.config.yaml ' +
        '(inputPerMTok, outputPerMTok, cachedInputPerMTok, batchFactor; USD per 1M tokens)',
    );
    expect(error.exitCode).toBe(2);
    expect(() => table.priceFor('gemini-2.5-flash-image')).toThrow(ConfigError);
    expect(() => table.priceFor('')).toThrow(ConfigError);
  });

  it('hands out frozen prices, so no caller can change the table', () => {
    const price = table.priceFor('gemini-2.5-pro');
    expect(Object.isFrozen(price)).toBe(true);
    expect(Object.isFrozen(price.tiers)).toBe(true);
    expect(Object.isFrozen(price.tiers?.[0])).toBe(true);
  });
});

describe('storage, search and dated prices', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const table = createPriceTable();
  const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

  it('gives every caching model a storage price, a search fee and a minimum cacheable size, each sourced and dated', () => {
    for (const model of GEMINI_MODELS.filter((id) => id !== 'gemini-2.0-flash-lite')) {
      const price = table.priceFor(model, at('2027-02-01'));
      expect(price.cacheStoragePerMTokHour, model).toBeGreaterThan(0);
      expect(price.searchPer1kRequests, model).toBeGreaterThan(0);
      expect([1024, 4096], model).toContain(price.minCachedTokens);
    }
    expect(table.priceFor('gemini-2.5-pro')).toMatchObject({ cacheStoragePerMTokHour: 4.5, searchPer1kRequests: 35, minCachedTokens: 4096 });
    expect(table.priceFor('gemini-3-flash-preview')).toMatchObject({ cacheStoragePerMTokHour: 1, searchPer1kRequests: 14, minCachedTokens: 1024 });
    const sources = (builtInPriceFile as { fieldSources: Record<string, { source: string; asOf: string }> }).fieldSources;
    for (const field of ['cacheStoragePerMTokHour', 'searchPer1kRequests', 'minCachedTokens', 'promotions']) {
      expect(sources[field]?.source, field).toMatch(/^https:\/\//);
      expect(sources[field]?.asOf, field).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('applies a promotion through its last valid day (UTC) and the base prices from the next', () => {
    const promo = table.priceFor('gemini-3.8-flash', at('2026-12-31'));
    expect(promo).toMatchObject({ inputPerMTok: 0.75, outputPerMTok: 3.75, cachedInputPerMTok: 0.075, batchFactor: 0.5 });
    expect(table.priceFor('gemini-3.8-flash', at('2026-12-31') + DAY / 2 - 1).inputPerMTok).toBe(0.75);
    expect(table.priceFor('gemini-3.8-flash', at('2027-01-01'))).toMatchObject({ inputPerMTok: 1.5, outputPerMTok: 7.5 });
    expect(table.priceFor('gemini-3.8-flash', at('2026-12-31'))).toBe(promo);
    expect(Object.isFrozen(promo)).toBe(true);
  });

  it('reads the day from the injected clock when priceFor is given no time', () => {
    expect(createPriceTable(undefined, { now: () => at('2026-11-01') }).priceFor('gemini-3.8-flash').inputPerMTok).toBe(0.75);
    expect(createPriceTable(undefined, { now: () => at('2027-03-01') }).priceFor('gemini-3.8-flash').inputPerMTok).toBe(1.5);
  });

  it('accepts promotions from config and refuses one that ends before it starts', () => {
    const table = createPriceTable({
      'gemini-2.5-flash': { promotions: [{ validFrom: '2027-01-01', validTo: '2027-01-31', inputPerMTok: 0.1, outputPerMTok: 1, cachedInputPerMTok: 0.01 }] },
    });
    expect(table.priceFor('gemini-2.5-flash', at('2027-01-15')).inputPerMTok).toBe(0.1);
    expect(table.priceFor('gemini-2.5-flash', at('2026-12-31')).inputPerMTok).toBe(0.3);
    const backwards = configErrorOf(() =>
      createPriceTable({ x: { inputPerMTok: 1, outputPerMTok: 2, promotions: [{ validFrom: '2027-02-01', validTo: '2027-01-01', inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: 1 }] } }),
    );
    expect(backwards.message).toContain('validFrom must not be after validTo');
  });
});

describe('price overrides', () => {
  it('add a model, defaulting the cache price to the input price and the batch factor to 0.5', () => {
    const table = createPriceTable({ 'my-model': { inputPerMTok: 0.2, outputPerMTok: 0.8 } });
    expect(table.priceFor('my-model')).toEqual({
      inputPerMTok: 0.2,
      outputPerMTok: 0.8,
      cachedInputPerMTok: 0.2,
      batchFactor: 0.5,
    });
    expect(table.priceFor('models/my-model-001').inputPerMTok).toBe(0.2);
    expect(table.models).toContain('my-model');
    expect(() => createPriceTable().priceFor('my-model')).toThrow(ConfigError);
  });

  it('change only the named fields of a known model, also when keyed by models/ or a version', () => {
    const table = createPriceTable({
      'models/gemini-2.5-pro': { inputPerMTok: 1 },
      'gemini-2.5-flash-001': { batchFactor: 0.4 },
    });
    const pro = table.priceFor('gemini-2.5-pro');
    expect(pro.inputPerMTok).toBe(1);
    expect(pro.outputPerMTok).toBe(10);
    expect(pro.tiers?.[0]?.inputPerMTok).toBe(2.5);
    const pinned = table.priceFor('gemini-2.5-flash-001');
    expect(pinned).toMatchObject({ inputPerMTok: 0.3, batchFactor: 0.4 });
    expect(table.priceFor('gemini-2.5-flash').batchFactor).toBe(0.5);
  });

  it('treat a field given as undefined as not given', () => {
    const table = createPriceTable({
      'gemini-2.5-flash': { inputPerMTok: 0.2, outputPerMTok: undefined },
      'my-model': { inputPerMTok: 0.2, outputPerMTok: 0.8, cachedInputPerMTok: undefined },
    });
    expect(table.priceFor('gemini-2.5-flash').outputPerMTok).toBe(2.5);
    expect(table.priceFor('my-model').cachedInputPerMTok).toBe(0.2);
  });

  it('replace tiers as a whole', () => {
    const table = createPriceTable({ 'gemini-2.5-pro': { tiers: [] } });
    expect(table.priceFor('gemini-2.5-pro').tiers).toEqual([]);
  });

  it('refuse a new model without input and output prices', () => {
    const error = configErrorOf(() => createPriceTable({ 'my-model': { inputPerMTok: 0.2 } }));
    expect(error.message).toContain('prices.my-model: my-model has no built-in price');
    expect(error.message).toContain('outputPerMTok');
  });

  it('refuse invalid values and typos, naming the config path', () => {
    const negative = configErrorOf(() => createPriceTable({ 'gemini-2.5-flash': { outputPerMTok: -1 } }));
    expect(negative.message).toMatch(/^prices\.gemini-2\.5-flash\.outputPerMTok: /);
    const typo = configErrorOf(() => createPriceTable({ x: { inputPerMtok: 1 } as never }));
    expect(typo.message).toMatch(/^prices\.x: .*inputPerMtok/);
    const text = configErrorOf(() => createPriceTable({ x: { inputPerMTok: '0.1' } as never }));
    expect(text.message).toMatch(/^prices\.x\.inputPerMTok: /);
  });

  it('refuse two keys that name the same model', () => {
    const error = configErrorOf(() =>
      createPriceTable({ 'gemini-2.5-flash': { inputPerMTok: 1 }, 'models/gemini-2.5-flash': { inputPerMTok: 2 } }),
    );
    expect(error.message).toBe('prices: gemini-2.5-flash and models/gemini-2.5-flash name the same model gemini-2.5-flash');
  });
});
