/**
 * @module The documents an audit asks again (#19): a sample stratified by size, reproducible by seed. Candidates are
 * ranked by size and cut into strata of equal count (quartiles by default); each stratum gives its proportional share
 * (largest remainders first), chosen by the order of a seeded hash of the key. The same seed and candidates give the
 * same sample, and a growing corpus mostly keeps it: a key's rank never depends on the other keys.
 */
import { sha256Hex } from '../shared/index.ts';

/** What sampling needs of a candidate. */
export interface Sizable {
  key: string;
  /** Its size (e.g. characters of the stored request). */
  size: number;
}

/** `size` candidates (all of them when there are fewer), stratified by size, in key order. */
export function stratifiedSample<T extends Sizable>(candidates: readonly T[], size: number, seed: number, strata = 4): T[] {
  const count = Math.min(Math.max(0, Math.floor(size)), candidates.length);
  if (count === candidates.length) return [...candidates].sort(byKey);
  const ranked = [...candidates].sort((a, b) => a.size - b.size || byKey(a, b));
  const groupCount = Math.min(strata, ranked.length);
  const groups = Array.from({ length: groupCount }, (_, index) =>
    ranked.slice(Math.floor((index * ranked.length) / groupCount), Math.floor(((index + 1) * ranked.length) / groupCount)),
  );
  const quotas = proportionalQuotas(groups.map((group) => group.length), count);
  const chosen = groups.flatMap((group, index) => {
    const order = group.map((candidate) => ({ candidate, rank: sha256Hex(`${seed}\u0000${candidate.key}`) }));
    order.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    return order.slice(0, quotas[index]).map(({ candidate }) => candidate);
  });
  return chosen.sort(byKey);
}

/** Splits `total` over groups in proportion to their sizes: floors first, then the largest remainders (earlier first on ties). */
export function proportionalQuotas(sizes: readonly number[], total: number): number[] {
  const all = sizes.reduce((sum, each) => sum + each, 0);
  if (all === 0) return sizes.map(() => 0);
  const exact = sizes.map((each) => (each * total) / all);
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((sum, each) => sum + each, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left === 0) break;
    if ((quotas[index] ?? 0) < (sizes[index] ?? 0)) {
      quotas[index] = (quotas[index] ?? 0) + 1;
      left -= 1;
    }
  }
  return quotas;
}

function byKey(a: Sizable, b: Sizable): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
