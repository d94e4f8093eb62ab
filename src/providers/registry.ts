/**
 * @module Every provider truebatch can connect to, by the name a project's config gives it. Adding a provider is a
 * folder under `src/providers/` that exports a {@link ProviderEntry}, plus one line here (see README.md).
 */
import { ConfigError } from '../shared/index.ts';
import type { ResultItem } from './batch-provider.ts';
import { anthropicEmulatorEntry, anthropicEntry } from './anthropic/anthropic-entries.ts';
import { fakeEntry } from './fake/fake-entry.ts';
import { emulatorEntry, geminiEntry } from './gemini/gemini-entries.ts';
import { OPENAI_ENTRIES } from './openai/openai-entries.ts';
import type { ProviderEntry } from './provider-entry.ts';
import type { RequestCodec } from './request-codec.ts';

const ENTRIES: readonly ProviderEntry[] = [
  geminiEntry,
  emulatorEntry,
  ...OPENAI_ENTRIES,
  anthropicEntry, anthropicEmulatorEntry,
  // In-memory and scripted, for the engine's unit tests; not a documented project setting.
  fakeEntry,
];

/** The registry entry named `name`. Throws ConfigError for a name no entry has. */
export function providerEntry(name: string): ProviderEntry {
  const entry = ENTRIES.find((candidate) => candidate.name === name);
  if (!entry) throw new ConfigError(`unknown provider "${name}"; known: ${ENTRIES.map((each) => each.name).join(', ')}`);
  return entry;
}

/**
 * The result reader of the provider whose `name` is `providerName` (its `readResults`), for code that reads results
 * away from the provider object (the collect worker). Throws ConfigError for an unknown name.
 */
export function resultReaderFor(providerName: string): (path: string) => AsyncIterable<ResultItem> {
  const entry = ENTRIES.find((candidate) => candidate.providerName === providerName);
  if (!entry) throw new ConfigError(`no result reader for provider "${providerName}"`);
  return entry.readResults;
}

/** The request codec of the registry entry named `name` (`emulator` gives Gemini's). Throws ConfigError for an unknown name. */
export function requestCodecFor(name: string): RequestCodec {
  return providerEntry(name).requestCodec;
}
