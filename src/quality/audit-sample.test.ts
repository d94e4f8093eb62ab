import { describe, expect, it } from 'vitest';
import { proportionalQuotas, stratifiedSample } from './audit-sample.ts';

const candidates = Array.from({ length: 100 }, (_, index) => ({ key: `doc-${String(index).padStart(3, '0')}`, size: index < 80 ? 100 + index : 10_000 + index }));

describe('stratifiedSample', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const first = stratifiedSample(candidates, 20, 1);
    expect(stratifiedSample([...candidates].reverse(), 20, 1)).toEqual(first);
    expect(stratifiedSample(candidates, 20, 2)).not.toEqual(first);
    expect(first).toHaveLength(20);
    expect(new Set(first.map((each) => each.key)).size).toBe(20);
  });

  it('takes each size quartile in proportion, so the few large documents are sampled too', () => {
    const sample = stratifiedSample(candidates, 20, 3);
    const largest = sample.filter((each) => each.size >= 10_000);
    // The top quartile (25 documents) holds all 20 large ones: 5 of the 20 come from it.
    expect(sample.filter((each) => each.size >= 100 + 75)).toHaveLength(5);
    expect(largest.length).toBeGreaterThanOrEqual(4);
  });

  it('takes everything when asked for as many or more, in key order', () => {
    expect(stratifiedSample(candidates.slice(0, 5).reverse(), 10, 0).map((each) => each.key)).toEqual(['doc-000', 'doc-001', 'doc-002', 'doc-003', 'doc-004']);
    expect(stratifiedSample(candidates, 0, 0)).toEqual([]);
  });

  it('keeps most of a sample when the corpus grows: a key\'s rank does not depend on the others', () => {
    const before = new Set(stratifiedSample(candidates.slice(0, 80), 40, 5).map((each) => each.key));
    const after = stratifiedSample(candidates.slice(0, 84), 40, 5).map((each) => each.key);
    expect(after.filter((key) => before.has(key)).length).toBeGreaterThanOrEqual(30);
  });
});

describe('proportionalQuotas', () => {
  it('splits by largest remainder and never beyond a group', () => {
    expect(proportionalQuotas([25, 25, 25, 25], 10)).toEqual([3, 3, 2, 2]);
    expect(proportionalQuotas([1, 9], 5)).toEqual([1, 4]);
    expect(proportionalQuotas([0, 0], 3)).toEqual([0, 0]);
  });
});
