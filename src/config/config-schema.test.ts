import { describe, expect, it } from 'vitest';
import { MAX_BYTES_PER_JOB, projectConfigSchema } from './config-schema.ts';

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
