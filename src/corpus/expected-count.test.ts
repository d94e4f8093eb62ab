import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { checkExpectedCount } from './expected-count.ts';

describe('checkExpectedCount', () => {
  it('passes when unset or equal', () => {
    expect(() => checkExpectedCount(undefined, 3, 'papers')).not.toThrow();
    expect(() => checkExpectedCount(24, 24, 'papers')).not.toThrow();
  });

  it('throws a ConfigError saying what was expected and found', () => {
    expect(() => checkExpectedCount(24, 23, 'papers')).toThrow(
      new ConfigError('expected 24 documents in papers/ but found 23; fix the corpus or expectedCount'),
    );
    expect(() => checkExpectedCount(1, 0, 'in/')).toThrow('expected 1 document in in/ but found 0');
  });
});
