import { describe, expect, it } from 'vitest';
import { formatUsd } from './format-usd.ts';

describe('formatUsd', () => {
  it('shows cents and thousands separators from $1 up', () => {
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(1_234_567.891)).toBe('$1,234,567.89');
  });

  it('shows three significant digits and at least two decimals below $1', () => {
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.1234567)).toBe('$0.123');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.012345)).toBe('$0.0123');
    expect(formatUsd(0.000456)).toBe('$0.000456');
    expect(formatUsd(0.000001)).toBe('$0.000001');
    expect(formatUsd(0.9999)).toBe('$1.00');
  });

  it('shows zero, tiny, negative and non-finite amounts', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(4e-7)).toBe('<$0.000001');
    expect(formatUsd(-0.25)).toBe('-$0.25');
    expect(formatUsd(-1500)).toBe('-$1,500.00');
    expect(formatUsd(Number.NaN)).toBe('$NaN');
  });
});
