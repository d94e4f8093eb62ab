/** @module Proto-JSON leniency: Google's JSON may spell field names in lowerCamelCase or snake_case. */

/**
 * A copy of `value` whose object keys are all lowerCamelCase (`batch_stats` → `batchStats`), recursively, so one
 * schema reads both spellings. When both spellings are present the camelCase one wins. Arrays and scalars are kept.
 */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const camel = toCamelCase(key);
    if (camel !== key && Object.hasOwn(value, camel)) continue;
    out[camel] = camelCaseKeys(inner);
  }
  return out;
}

function toCamelCase(key: string): string {
  if (!key.includes('_')) return key;
  return key.replace(/(?<=[A-Za-z0-9])_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
