/**
 * @module Each provider's result-file reader by provider name, for code that reads results away from the provider
 * object (the collect worker). Light on purpose: it loads no SDK.
 */
import { ConfigError } from '../shared/index.ts';
import type { ResultItem } from './batch-provider.ts';
import { readGeminiResults } from './gemini/gemini-results.ts';

/** By provider name (a test holds each to its provider's `name` and `readResults`). */
const READERS: Readonly<Record<string, (path: string) => AsyncIterable<ResultItem>>> = {
  gemini: readGeminiResults,
};

/** The result reader of the provider named `name` (its `readResults`). Throws ConfigError for an unknown name. */
export function resultReaderFor(name: string): (path: string) => AsyncIterable<ResultItem> {
  const reader = READERS[name];
  if (!reader) throw new ConfigError(`no result reader for provider "${name}"`);
  return reader;
}
