/** @module Streams a stage's input folder as documents and excluded/invalid entries, in a deterministic order. */
import type { FilesInput } from '../config/index.ts';
import { createCorpusFilter } from './corpus-filter.ts';
import type { CorpusEntry } from './corpus-types.ts';
import { readDocument } from './read-document.ts';
import { walkFiles } from './walk-files.ts';

/**
 * Walks `input.dir` in sorted path order and yields one entry per file met: a document, or an excluded or
 * invalid path with its reason. Only one document is in memory at a time (plus the ids seen so far, to refuse
 * duplicates: the later path in sort order is invalid and names the first).
 *
 * @throws ConfigError when `input.dir` does not exist or is not a folder
 * @example
 * for await (const entry of scanCorpus(stage.input)) if (entry.kind === 'document') plan(entry.document);
 */
export async function* scanCorpus(input: FilesInput): AsyncGenerator<CorpusEntry> {
  const filter = createCorpusFilter(input.include, input.exclude);
  const firstPathOfId = new Map<string, string>();
  for await (const item of walkFiles(input.dir, filter, input.followSymlinks)) {
    if (item.kind !== 'file') {
      yield item;
      continue;
    }
    const result = readDocument(item, input.idField);
    if (!result.ok) {
      yield { kind: 'invalid', path: item.path, reason: result.reason };
      continue;
    }
    const { document } = result;
    const first = firstPathOfId.get(document.id);
    if (first !== undefined) {
      yield { kind: 'invalid', path: item.path, reason: `duplicate id \`${document.id}\`: already used by ${first}` };
      continue;
    }
    firstPathOfId.set(document.id, document.path);
    yield { kind: 'document', document };
  }
}
