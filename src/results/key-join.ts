/**
 * @module Joins result lines to planned requests on the key alone, and reports what does not match: keys never
 * seen, keys seen twice, and keys nobody asked for.
 */

/** What a key join found once the result file has been read. */
export interface KeyJoinReport {
  /** Distinct expected keys seen at least once. */
  seen: number;
  /** Expected keys seen more than once (each listed once). */
  duplicates: string[];
  /** Keys that were not expected (each listed once). */
  unknown: string[];
  /** Expected keys never seen, in the order they were expected. */
  missing: string[];
}

/** A running key join over one result file. */
export interface KeyJoin {
  /** Records one line's key: `expected` the first time, `duplicate` after that, `unknown` if never expected. */
  see(key: string): 'expected' | 'duplicate' | 'unknown';
  /** Expected keys not seen so far. */
  missing(): string[];
  report(): KeyJoinReport;
}

/** Starts a key join over the keys the job was planned with. Memory grows with the number of keys only. */
export function createKeyJoin(expectedKeys: Iterable<string>): KeyJoin {
  const expected = new Set(expectedKeys);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const unknown = new Set<string>();
  const missing = (): string[] => [...expected].filter((key) => !seen.has(key));
  return {
    see(key) {
      if (!expected.has(key)) {
        unknown.add(key);
        return 'unknown';
      }
      if (seen.has(key)) {
        duplicates.add(key);
        return 'duplicate';
      }
      seen.add(key);
      return 'expected';
    },
    missing,
    report() {
      return { seen: seen.size, duplicates: [...duplicates], unknown: [...unknown], missing: missing() };
    },
  };
}
