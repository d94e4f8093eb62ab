import { DEFAULT_INCLUDE } from './stage-input-schema.ts';
import { describe, expect, it } from 'vitest';
import { validateConfigObject } from './validate-config.ts';
import { configErrorMessage } from './test-support.ts';

const base = () => ({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 's1', input: { dir: 'docs' }, prompt: { template: 'Hi {{document}}' } }],
});

describe('validateConfigObject', () => {
  it('applies defaults', () => {
    const parsed = validateConfigObject(base(), 'x');
    expect(parsed.polling).toEqual({ initialIntervalMs: 1000, maxIntervalMs: 600_000, backoffFactor: 1.5, staleAfterMs: 86_400_000 });
    expect(parsed.sharding).toEqual({ maxRequestsPerJob: 10_000, maxBytesPerJob: 1_900_000_000 });
    expect(parsed.gemini).toEqual({ apiVersion: 'v1beta', uploadMimeType: 'application/json' });
    const stage = parsed.stages[0]!;
    expect(stage.key).toBe('{id}_{stage}');
    expect(stage.maxAttempts).toBe(3);
    expect(stage.repairNote).toBe(true);
    expect(stage.input).toEqual({
      kind: 'files',
      dir: 'docs',
      include: [...DEFAULT_INCLUDE],
      exclude: [],
      followSymlinks: false,
    });
    expect(stage.output.fileName).toBe('{key}_{timestamp}.json');
  });

  it('names file, path and expectation for a value out of range', () => {
    const raw = base();
    Object.assign(raw.stages[0]!, { generationConfig: { temperature: 3 } });
    expect(configErrorMessage(raw)).toBe(
      'invalid config: my.config.yaml: stages[0].generationConfig.temperature: expected a number at most 2, got a number (3)',
    );
  });

  it('names the expected type for a wrong type and a missing field', () => {
    const raw = base();
    Object.assign(raw.stages[0]!, { maxAttempts: 'three' });
    expect(configErrorMessage(raw)).toContain('my.config.yaml: stages[0].maxAttempts: expected a number, got a string ("three")');
    expect(configErrorMessage({ provider: 'emulator', model: 'm' })).toContain('my.config.yaml: stages: missing; expected an array');
  });

  it('suggests the closest key for an unknown key', () => {
    const raw = base();
    Object.assign(raw.stages[0]!, { generationConfig: { tempreature: 0.2 } });
    expect(configErrorMessage(raw)).toContain(
      'my.config.yaml: stages[0].generationConfig.tempreature: unknown key; did you mean `temperature`?',
    );
    expect(configErrorMessage({ ...base(), stage: [] })).toContain('stage: unknown key; did you mean `stages`?');
    const snake = base();
    Object.assign(snake.stages[0]!, { max_attempts: 2 });
    expect(configErrorMessage(snake)).toContain('stages[0].max_attempts: unknown key; did you mean `maxAttempts`?');
  });

  it('lists the known keys when nothing is close', () => {
    expect(configErrorMessage({ ...base(), polling: { zzzzzzzz: 1 } })).toContain(
      'polling.zzzzzzzz: unknown key; expected one of `initialIntervalMs`, `maxIntervalMs`, `backoffFactor`',
    );
  });

  it('lists every problem, one line each', () => {
    const raw = { ...base(), provider: 'openai', sharding: { maxBytesPerJob: 3_000_000_000 } };
    const message = configErrorMessage(raw);
    expect(message).toContain('(2 problems)');
    expect(message).toContain('my.config.yaml: provider: expected one of "gemini", "emulator", "anthropic", "anthropic-emulator", got a string ("openai")');
    expect(message).toContain('my.config.yaml: sharding.maxBytesPerJob: expected at most 2000000000 (2 GB');
  });

  it('checks stage names, uniqueness and models', () => {
    const raw = base();
    raw.stages.push({ ...raw.stages[0]! });
    expect(configErrorMessage(raw)).toContain('stages[1].name: expected a unique stage name; `s1` is already stages[0].name');
    const badName = base();
    badName.stages[0]!.name = 'stage one';
    expect(configErrorMessage(badName)).toContain('stages[0].name: expected a name of letters, digits, `_` and `-` only');
    const noModel = { ...base(), model: undefined };
    expect(configErrorMessage(noModel)).toContain('stages[0].model: missing; expected a model here or a top-level `model`');
  });

  it('refuses an empty config', () => {
    expect(configErrorMessage(null)).toBe('invalid config: my.config.yaml is empty; expected provider, model and stages');
  });

  it('adds the line and column when a locator is given', () => {
    const raw = { ...base(), polling: { initialIntervalMs: -1 } };
    try {
      validateConfigObject(raw, 'cfg.yaml', (path) => (path.join('.') === 'polling.initialIntervalMs' ? { line: 9, column: 22 } : undefined));
    } catch (error) {
      expect((error as Error).message).toContain('cfg.yaml:9:22: polling.initialIntervalMs: expected a number more than 0, got a number (-1)');
      return;
    }
    expect.unreachable();
  });
});
