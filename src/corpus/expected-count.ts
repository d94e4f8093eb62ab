/** @module The `input.expectedCount` guard: a corpus that grew or shrank unexpectedly stops the run. */
import { ConfigError } from '../shared/index.ts';

/**
 * Throws when `expected` is set and differs from `found`.
 *
 * @param dir the input folder as it should appear in the message (e.g. `papers`)
 * @throws ConfigError "expected 24 documents in papers/ but found 23; fix the corpus or expectedCount"
 */
export function checkExpectedCount(expected: number | undefined, found: number, dir: string): void {
  if (expected === undefined || expected === found) return;
  const shown = dir.endsWith('/') ? dir : `${dir}/`;
  const noun = (count: number): string => (count === 1 ? 'document' : 'documents');
  throw new ConfigError(`expected ${expected} ${noun(expected)} in ${shown} but found ${found}; fix the corpus or expectedCount`);
}
