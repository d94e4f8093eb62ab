/** @module "Did you mean …?" for unknown config keys: the closest known key by edit distance. */

/** Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

// snake_case, kebab-case and case slips (`max_attempts`, `MaxAttempts`) all point to the camelCase key.
const normalise = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The known key closest to `unknown`, or undefined when none is close enough to be a plausible typo
 * (distance at most a third of the key's length, and at least 1 allowed, at most 3).
 */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const sameWhenNormalised = known.find((key) => normalise(key) === normalise(unknown));
  if (sameWhenNormalised !== undefined) return sameWhenNormalised;
  const limit = Math.min(3, Math.max(1, Math.floor(unknown.length / 3)));
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(normalise(unknown), normalise(key));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
