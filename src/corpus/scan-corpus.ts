/** @module Streams a stage's input folder as documents and excluded/invalid entries, in a deterministic order. */
import type { FilesInput } from '../config/index.ts';
import { createCorpusFilter } from './corpus-filter.ts';
import { DocumentIds } from './document-ids.ts';
import type { CorpusEntry } from './corpus-types.ts';
import { inspectDocument } from './inspect-document.ts';
import { readDocument } from './read-document.ts';
import { walkFiles, type WalkItem } from './walk-files.ts';

/**
 * The files of `input.dir` in sorted path order, with the include/exclude patterns applied: files to read (with
 * {@link readDocument}), and paths left out with the reason.
 *
 * @throws ConfigError when `input.dir` does not exist or is not a folder
 */
export function walkCorpus(input: FilesInput): AsyncGenerator<WalkItem> {
  return walkFiles(input.dir, createCorpusFilter(input.include, input.exclude), input.followSymlinks);
}

/**
 * Walks `input.dir` in sorted path order and yields one entry per file met: a document, or an excluded or
 * invalid path with its reason. Only one document is in memory at a time (plus the ids seen so far, to refuse
 * duplicates: the later path in sort order is invalid and names the first). Planning does the same in parts,
 * reading documents on a worker thread.
 *
 * @throws ConfigError when `input.dir` does not exist or is not a folder
 * @example
 * for await (const entry of scanCorpus(stage.input)) if (entry.kind === 'document') plan(entry.document);
 */
export async function* scanCorpus(input: FilesInput): AsyncGenerator<CorpusEntry> {
  const ids = new DocumentIds(input.idField === undefined ? {} : { idField: input.idField });
  for await (const item of walkCorpus(input)) {
    if (item.kind !== 'file') {
      yield item;
      continue;
    }
    const read = readDocument(item, input.idField);
    const result = read.ok ? await inspectDocument(read.document) : read;
    if (!result.ok) {
      yield { kind: 'invalid', path: item.path, reason: result.reason };
      continue;
    }
    const taken = ids.claim(result.document.id, result.document.path);
    yield taken === undefined ? { kind: 'document', document: result.document } : { kind: 'invalid', path: item.path, reason: taken };
  }
}
