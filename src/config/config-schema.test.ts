import { describe, expect, it } from 'vitest';
import { MAX_BYTES_PER_JOB, projectConfigSchema } from './config-schema.ts';
import { configErrorMessage } from './test-support.ts';

const config = (extra: Record<string, unknown>) => ({
  model: 'm',
  stages: [{ name: 's', input: { dir: 'd' }, prompt: { template: 't' } }],
  ...extra,
});

describe('projectConfigSchema', () => {
  it('accepts the 2 GB limit exactly and refuses more', () => {
    expect(projectConfigSchema.safeParse(config({ sharding: { maxBytesPerJob: MAX_BYTES_PER_JOB } })).success).toBe(true);
    expect(projectConfigSchema.safeParse(config({ sharding: { maxBytesPerJob: MAX_BYTES_PER_JOB + 1 } })).success).toBe(false);
  });

  it('requires maxIntervalMs >= initialIntervalMs', () => {
    const result = projectConfigSchema.safeParse(config({ polling: { initialIntervalMs: 5000, maxIntervalMs: 1000 } }));
    expect(result.error?.issues[0]?.path).toEqual(['polling', 'maxIntervalMs']);
  });

  it('validates inline emulator faults with the emulator schema, and refuses faults plus faultsFile', () => {
    expect(projectConfigSchema.safeParse(config({ emulator: { faults: { lines: { errorRate: 2 } } } })).success).toBe(false);
    const both = projectConfigSchema.safeParse(config({ emulator: { faults: {}, faultsFile: 'f.json' } }));
    expect(both.error?.issues[0]?.message).toBe('expected at most one of `faults` (inline) and `faultsFile`');
  });

  it('needs at least one stage', () => {
    expect(projectConfigSchema.safeParse(config({ stages: [] })).error?.issues[0]?.message).toBe('expected at least one stage');
  });
});

describe('projectConfigSchema prices and budget', () => {
  it('accepts price overrides with any subset of fields', () => {
    const prices = {
      'gemini-2.5-flash': { inputPerMTok: 0.25 },
      'my-model': { inputPerMTok: 1, outputPerMTok: 4, cachedInputPerMTok: 0.1, batchFactor: 0.5 },
      'tiered-model': {
        inputPerMTok: 1,
        outputPerMTok: 2,
        tiers: [{ abovePromptTokens: 200_000, inputPerMTok: 2, outputPerMTok: 4, cachedInputPerMTok: 0.5 }],
      },
    };
    expect(projectConfigSchema.parse(config({ prices, budget: { maxUsd: 12.5 } }))).toMatchObject({ prices, budget: { maxUsd: 12.5 } });
  });

  it('checks prices with the cost schema, naming file and path', () => {
    const message = configErrorMessage(
      config({ provider: 'emulator', prices: { 'gemini-2.5-flash': { inputPerMtok: 1, outputPerMTok: -1 }, m: { batchFactor: 2 } } }),
    );
    expect(message).toContain('my.config.yaml: prices["gemini-2.5-flash"].outputPerMTok: expected a number at least 0, got a number (-1)');
    expect(message).toContain('my.config.yaml: prices["gemini-2.5-flash"].inputPerMtok: unknown key; did you mean `inputPerMTok`?');
    expect(message).toContain('my.config.yaml: prices.m.batchFactor: expected a number at most 1, got a number (2)');
    expect(configErrorMessage(config({ provider: 'emulator', prices: [] }))).toContain('my.config.yaml: prices: expected a record, got an array');
  });

  it('suggests `prices` and `budget` for typos at the top level', () => {
    const message = configErrorMessage(config({ provider: 'emulator', price: {}, budgett: {} }));
    expect(message).toContain('my.config.yaml: price: unknown key; did you mean `prices`?');
    expect(message).toContain('my.config.yaml: budgett: unknown key; did you mean `budget`?');
  });
});
