import { describe, expect, it } from 'vitest';
import { projectConfigSchema } from './config-schema.ts';
import { knownKeysAt } from './schema-keys.ts';

describe('knownKeysAt', () => {
  it('lists top-level keys', () => {
    expect(knownKeysAt(projectConfigSchema, [])).toEqual(
      expect.arrayContaining(['provider', 'model', 'stages', 'polling', 'sharding', 'gemini', 'emulator']),
    );
  });
  it('walks through arrays, defaults, optionals and refinements', () => {
    expect(knownKeysAt(projectConfigSchema, ['stages', 0, 'generationConfig'])).toContain('temperature');
    expect(knownKeysAt(projectConfigSchema, ['stages', 3, 'input'])).toContain('followSymlinks');
    expect(knownKeysAt(projectConfigSchema, ['emulator', 'faults', 'lines'])).toContain('aliasRate');
    expect(knownKeysAt(projectConfigSchema, ['stages', 1, 'input'])).toEqual(expect.arrayContaining(['dir', 'stage', 'withDocument']));
    expect(knownKeysAt(projectConfigSchema, ['prices', 'any-model'])).toEqual(expect.arrayContaining(['inputPerMTok', 'tiers']));
    expect(knownKeysAt(projectConfigSchema, ['stages', 0, 'batching'])).toEqual(['minRequests', 'maxWaitMs']);
  });
  it('returns nothing for a path that leads nowhere', () => {
    expect(knownKeysAt(projectConfigSchema, ['model', 'x'])).toEqual([]);
    expect(knownKeysAt(projectConfigSchema, ['nope'])).toEqual([]);
  });
});
