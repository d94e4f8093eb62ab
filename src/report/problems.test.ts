import { describe, expect, it } from 'vitest';
import { errorMessagesOf, normaliseProblem, ProblemTally } from './problems.ts';
import { durationStats } from './durations.ts';

describe('normaliseProblem', () => {
  it('drops quoted values, array indexes, reported numbers and counts', () => {
    expect(normaliseProblem('/quantitative_findings/3/value: must be number, got "12 mg"')).toBe(
      '/quantitative_findings/*/value: must be number, got "…"',
    );
    expect(normaliseProblem('/quantitative_findings/0/value: must be number, got "a \\"quoted\\" b"')).toBe(
      '/quantitative_findings/*/value: must be number, got "…"',
    );
    expect(normaliseProblem('/rows/12: must be object, got -4.5e3')).toBe('/rows/*: must be object, got N');
    expect(normaliseProblem('/findings: must NOT have fewer than 1 items, got an array of 0 items')).toBe(
      '/findings: must NOT have fewer than 1 items, got an array of N items',
    );
    expect(normaliseProblem('/meta: must be string, got an object with 1 field')).toBe('/meta: must be string, got an object with N fields');
    // A preview cut short never closes its quote.
    expect(normaliseProblem('/abstract: must be shorter, got "aaaaaaaaaa...')).toBe('/abstract: must be shorter, got "…"');
    // Field names made of digits inside a pointer are indexes too; words with digits are not.
    expect(normaliseProblem('/k2o_rates/7/kg_ha: is required but missing')).toBe('/k2o_rates/*/kg_ha: is required but missing');
  });

  it('keeps different problems apart', () => {
    expect(normaliseProblem('/year: must be integer, got "2019"')).not.toBe(normaliseProblem('/title: must be integer, got "2019"'));
    expect(normaliseProblem('(root): at least one of a, b must be present and non-empty (a is missing; b is empty)')).toBe(
      '(root): at least one of a, b must be present and non-empty (a is missing; b is empty)',
    );
  });
});

describe('errorMessagesOf', () => {
  it('takes the messages of error issues only, and tolerates anything that is not an issue list', () => {
    const issues = JSON.stringify([
      { severity: 'error', code: 'schema', path: '/a', message: '/a: bad' },
      { severity: 'warning', code: 'alias', path: '/b', message: '/b: renamed' },
      { severity: 'error', message: 42 },
      null,
    ]);
    expect(errorMessagesOf(issues)).toEqual(['/a: bad']);
    expect(errorMessagesOf(null)).toEqual([]);
    expect(errorMessagesOf('not json')).toEqual([]);
    expect(errorMessagesOf('{"severity":"error","message":"x"}')).toEqual([]);
  });
});

describe('ProblemTally', () => {
  it('counts by form, keeps the first example, merges and ranks by count then text', () => {
    const one = new ProblemTally();
    one.add('/b/1: bad', { stage: 's', key: 'k1' });
    one.add('/b/2: bad', { stage: 's', key: 'k2' });
    one.add('/a: bad', { stage: 's', key: 'k3' });
    const two = new ProblemTally();
    two.add('/c: bad', { stage: 't', key: 'k4' });
    two.add('/a: bad', { stage: 't', key: 'k5' });
    one.merge(two);
    expect(one.kinds).toBe(3);
    expect(one.top(2)).toEqual([
      { problem: '/a: bad', count: 2, example: { message: '/a: bad', stage: 's', key: 'k3' } },
      { problem: '/b/*: bad', count: 2, example: { message: '/b/1: bad', stage: 's', key: 'k1' } },
    ]);
    expect(two.top(5).map((group) => group.count)).toEqual([1, 1]); // merging did not change the source
  });
});

describe('durationStats', () => {
  it('gives min, median (mean of the middle two for an even count) and max, or nothing for no jobs', () => {
    expect(durationStats([])).toBeUndefined();
    expect(durationStats([30, 10, 20])).toEqual({ count: 3, minMs: 10, medianMs: 20, maxMs: 30 });
    expect(durationStats([40, 10, 20, 30])).toEqual({ count: 4, minMs: 10, medianMs: 25, maxMs: 40 });
  });
});
