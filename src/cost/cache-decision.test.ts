import { describe, expect, it } from 'vitest';
import { decideCaching } from './cache-decision.ts';
import { createPriceTable } from './price-table.ts';

const table = createPriceTable();
const flash = table.priceFor('gemini-2.5-flash');
const pro = table.priceFor('gemini-2.5-pro');

describe('decideCaching', () => {
  it('chooses an explicit cache when the hits save more than the storage costs, and says both figures', () => {
    const decision = decideCaching({ mode: 'auto', sharedTokens: 5000, requests: 200, expectedHours: 1, price: flash });
    // 1M shared input tokens: batch input 0.15 vs cached 0.03 per M = $0.12 saved; storage 5000 tokens × $1/M/h × 1 h.
    expect(decision.savingUsd).toBeCloseTo(0.12, 12);
    expect(decision.storageUsd).toBeCloseTo(0.005, 12);
    expect(decision.explicit).toBe(true);
    expect(decision.reason).toBe('explicit cache pays off: 5000 shared tokens × 200 requests save $0.12; storage for 1 h costs $0.005');
  });

  it('refuses a cache that would cost more to store than it saves (a long wait, few requests)', () => {
    const decision = decideCaching({ mode: 'auto', sharedTokens: 5000, requests: 3, expectedHours: 24, price: flash });
    expect(decision.explicit).toBe(false);
    expect(decision.reason).toMatch(/^no explicit cache: it would not pay off \(5000 shared tokens × 3 requests save .*; storage for 24 h costs \$0\.12\)/);
  });

  it('refuses a shared prefix under the model minimum, even when forced, and says the minimum', () => {
    expect(decideCaching({ mode: 'auto', sharedTokens: 800, requests: 200, expectedHours: 1, price: flash }).reason).toBe(
      "no explicit cache: the shared context has about 800 tokens, under the model's minimum of 1024 cacheable tokens",
    );
    const forced = decideCaching({ mode: 'always', sharedTokens: 2000, requests: 200, expectedHours: 1, price: pro });
    expect(forced.explicit).toBe(false);
    expect(forced.reason).toContain('minimum of 4096 cacheable tokens (context.cache always cannot apply)');
  });

  it('follows always and never regardless of the figures', () => {
    expect(decideCaching({ mode: 'always', sharedTokens: 5000, requests: 1, expectedHours: 48, price: flash })).toMatchObject({
      explicit: true,
      reason: expect.stringMatching(/^explicit cache \(context\.cache always\)/) as unknown,
    });
    expect(decideCaching({ mode: 'never', sharedTokens: 50_000, requests: 10_000, expectedHours: 1, price: flash }).explicit).toBe(false);
  });

  it('never assumes storage is free for a model without a storage price', () => {
    const decision = decideCaching({ mode: 'auto', sharedTokens: 5000, requests: 200, expectedHours: 1, price: table.priceFor('gemini-2.0-flash-lite') });
    expect(decision).toEqual({ explicit: false, reason: expect.stringContaining('no cache storage price') as unknown, savingUsd: 0, storageUsd: 0 });
  });
});
