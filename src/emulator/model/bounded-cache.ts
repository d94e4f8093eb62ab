/**
 * @module A small memo for pure functions of a string (property names, schemas): the same few keys recur on every
 * line of a batch, so their work is done once. Bounded: past `limit` keys it starts over.
 */

/** `compute` memoised by its key; the cached values are shared, so callers must not mutate them. */
export function memoByKey<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as T;
    if (cache.size >= limit) cache.clear();
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
