/**
 * @module Removing an output that no longer stands for its document: a document or prompt changed, or the answer no
 * longer passes validation. The output folder then holds one current output per document; the answer itself stays
 * in the ledger.
 */
import { rmSync } from 'node:fs';
import { FilesystemError } from '../shared/index.ts';
import { writeFailureReason } from './write-file-atomic.ts';

/** Deletes the output at `path` (gone already is fine); {@link FilesystemError} naming it when it cannot be. */
export function removeOutput(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw new FilesystemError(`cannot remove the superseded output ${path}: ${writeFailureReason(error)}`, { cause: error });
  }
}
