/**
 * @module Who keeps a document id when two files claim it. The file an earlier plan recorded for the id keeps it
 * while it is still that id's document, so adding `note_00.md` beside a processed `note_00.txt` never moves the id
 * (and its outputs) to the newcomer; otherwise the first file in path order keeps it. The other file is refused,
 * and its reason names both files, the id and how to tell them apart.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FilesInput } from '../config/index.ts';
import { createCorpusFilter } from './corpus-filter.ts';
import { readDocument } from './read-document.ts';

/** What an earlier plan recorded: the path (relative to the input folder) of each id's document. */
export type RecordedPath = (id: string) => string | undefined;

/** The ids used so far in a scan: a second file with an id is refused, naming the file that keeps it. */
export class DocumentIds {
  /** Each id's file in this scan (a string per id, not an object: a million ids are held at once). */
  readonly #firstOfId = new Map<string, string>();
  /** The ids whose file an earlier plan had recorded (read at claim time: planning records as it goes). */
  readonly #recordedIds = new Set<string>();
  readonly #recordedPath: RecordedPath;
  readonly #stillHolds: (recordedPath: string, id: string) => boolean;
  readonly #idField: string | undefined;

  /** Without options, the first file in path order keeps each id (see {@link documentIdsFor} for a stage). */
  constructor(options: { recordedPath?: RecordedPath; stillHolds?: (recordedPath: string, id: string) => boolean; idField?: string } = {}) {
    this.#recordedPath = options.recordedPath ?? (() => undefined);
    this.#stillHolds = options.stillHolds ?? (() => false);
    this.#idField = options.idField;
  }

  /** Claims `id` for `path`; when another file keeps it, says why `path` is refused instead. */
  claim(id: string, path: string): string | undefined {
    const first = this.#firstOfId.get(id);
    if (first !== undefined) {
      return this.#clash(id, path, first, this.#recordedIds.has(id) ? 'an earlier run used it' : 'it comes first in path order');
    }
    const recorded = this.#recordedPath(id);
    // The recorded file keeps the id without claiming it now: it claims it when the scan reaches it.
    if (recorded !== undefined && recorded !== path && this.#stillHolds(recorded, id)) {
      return this.#clash(id, path, recorded, 'an earlier run used it');
    }
    this.#firstOfId.set(id, path);
    if (recorded === path) this.#recordedIds.add(id);
    return undefined;
  }

  #clash(id: string, path: string, keeper: string, why: string): string {
    const advice =
      this.#idField === undefined
        ? 'rename one of them, or set input.idField to a JSON field that tells them apart'
        : `give one of them another \`${this.#idField}\``;
    return `duplicate id \`${id}\`: already used by ${keeper}, which keeps it (${why}); ${path} is not processed: ${advice}`;
  }
}

/**
 * The ids of one scan of `input`, where the file an earlier plan recorded for an id (`recordedPath`) keeps it while
 * it is still in the corpus with that id; a file renamed, deleted or excluded since gives its id up.
 */
export function documentIdsFor(input: FilesInput, recordedPath: RecordedPath): DocumentIds {
  const filter = createCorpusFilter(input.include, input.exclude);
  const stillHolds = (recorded: string, id: string): boolean => {
    const absolutePath = path.join(input.dir, recorded);
    if (filter.fileExclusion(recorded) !== undefined || !existsSync(absolutePath)) return false;
    // Read only on a clash (rare): with idField, the recorded file's id may have changed since.
    const read = readDocument({ path: recorded, absolutePath }, input.idField);
    return read.ok && read.document.id === id;
  };
  return new DocumentIds({ recordedPath, stillHolds, ...(input.idField === undefined ? {} : { idField: input.idField }) });
}
