import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_INPUT_TOKENS } from './limits-schema.ts';
import { validateConfigObject } from './validate-config.ts';
import { configErrorMessage } from './test-support.ts';

const config = (stageExtra: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  provider: 'emulator',
  model: 'm',
  stages: [{ name: 's', input: { dir: 'd' }, prompt: { template: 't' }, ...stageExtra }],
  ...extra,
});

describe('batching, maxInputTokens, budget and canary', () => {
  it('apply their defaults', () => {
    const parsed = validateConfigObject(config({}), 'x');
    const stage = parsed.stages[0]!;
    expect(stage.batching).toEqual({ minRequests: 1, maxWaitMs: 0 });
    expect(stage.maxInputTokens).toBe(DEFAULT_MAX_INPUT_TOKENS);
    expect(DEFAULT_MAX_INPUT_TOKENS).toBe(1_000_000);
    expect(stage.budget).toEqual({});
    expect(stage.canary).toBeUndefined();
    expect(parsed.budget).toEqual({});
    expect(parsed.prices).toEqual({});
  });

  it('accept given values, and fill a partly given batching', () => {
    const parsed = validateConfigObject(
      config(
        { batching: { maxWaitMs: 60_000 }, maxInputTokens: 8000, budget: { maxUsd: 2.5 }, canary: { size: 5, minValidRate: 0.8 } },
        { budget: { maxUsd: 10 } },
      ),
      'x',
    );
    const stage = parsed.stages[0]!;
    expect(stage.batching).toEqual({ minRequests: 1, maxWaitMs: 60_000 });
    expect(stage.maxInputTokens).toBe(8000);
    expect(stage.budget).toEqual({ maxUsd: 2.5 });
    expect(stage.canary).toEqual({ size: 5, minValidRate: 0.8 });
    expect(parsed.budget).toEqual({ maxUsd: 10 });
    // The bounds are inclusive.
    expect(() => validateConfigObject(config({ canary: { size: 1, minValidRate: 0 } }), 'x')).not.toThrow();
    expect(() => validateConfigObject(config({ canary: { size: 1, minValidRate: 1 } }), 'x')).not.toThrow();
  });

  it.each([
    [{ batching: { minRequests: 0 } }, 'stages[0].batching.minRequests: expected a number at least 1, got a number (0)'],
    [{ batching: { minRequests: 2.5 } }, 'stages[0].batching.minRequests: expected an int, got a number (2.5)'],
    [{ batching: { maxWaitMs: -1 } }, 'stages[0].batching.maxWaitMs: expected a number at least 0, got a number (-1)'],
    [{ maxInputTokens: 0 }, 'stages[0].maxInputTokens: expected a number more than 0, got a number (0)'],
    [{ maxInputTokens: 10.5 }, 'stages[0].maxInputTokens: expected an int, got a number (10.5)'],
    [{ budget: { maxUsd: 0 } }, 'stages[0].budget.maxUsd: expected a number more than 0, got a number (0)'],
    [{ canary: { size: 0, minValidRate: 0.5 } }, 'stages[0].canary.size: expected a number at least 1, got a number (0)'],
    [{ canary: { size: 3, minValidRate: 1.5 } }, 'stages[0].canary.minValidRate: expected a number at most 1, got a number (1.5)'],
    [{ canary: { size: 3 } }, 'stages[0].canary.minValidRate: missing; expected a number'],
  ])('refuses %j naming file and path', (stageExtra, expected) => {
    expect(configErrorMessage(config(stageExtra))).toBe(`invalid config: my.config.yaml: ${expected}`);
  });

  it('refuses a project budget of zero', () => {
    expect(configErrorMessage(config({}, { budget: { maxUsd: -1 } }))).toBe(
      'invalid config: my.config.yaml: budget.maxUsd: expected a number more than 0, got a number (-1)',
    );
  });

  it('suggests the closest key for typos', () => {
    const message = configErrorMessage(
      config({ batching: { min_requests: 2 }, budget: { maxUSD: 1 }, canary: { size: 1, minValidRatio: 0.5 }, maxInputToken: 5 }, { budgt: {} }),
    );
    expect(message).toContain('my.config.yaml: stages[0].batching.min_requests: unknown key; did you mean `minRequests`?');
    expect(message).toContain('my.config.yaml: stages[0].budget.maxUSD: unknown key; did you mean `maxUsd`?');
    expect(message).toContain('my.config.yaml: stages[0].canary.minValidRatio: unknown key; did you mean `minValidRate`?');
    expect(message).toContain('my.config.yaml: stages[0].maxInputToken: unknown key; did you mean `maxInputTokens`?');
    expect(message).toContain('my.config.yaml: budgt: unknown key; did you mean `budget`?');
  });
});
