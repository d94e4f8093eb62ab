/** @module USD amounts for people: cents for dollars, three significant digits for fractions of a dollar. */

const DOLLARS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Below this an amount is shown as `<$0.000001` rather than as a long run of zeros. */
const SMALLEST_SHOWN = 0.000001;

/**
 * A USD amount for display:
 * `$1,234.50` from $1 up (cents, thousands separators); `$0.50`, `$0.0123`, `$0.000456` below $1 (three significant
 * digits, at least two decimals); `<$0.000001` for smaller non-zero amounts; `$0.00` for zero. Negative amounts get a
 * leading `-`. Throws nothing: a non-finite amount is shown as `$NaN` / `$Infinity`.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  const sign = amount < 0 ? '-' : '';
  const magnitude = Math.abs(amount);
  if (magnitude === 0) return '$0.00';
  if (magnitude < SMALLEST_SHOWN) return `${sign}<$0.000001`;
  const significant = Number(magnitude.toPrecision(3));
  if (significant >= 1) return `${sign}$${DOLLARS.format(magnitude)}`;
  // From 1e-6 up, Number#toString writes plain decimals, never an exponent.
  const [whole = '0', fraction = ''] = significant.toString().split('.');
  return `${sign}$${whole}.${fraction.padEnd(2, '0')}`;
}
