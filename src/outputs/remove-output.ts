/**
 * @module Removing an output that no longer stands for its document: a document or prompt changed, or the answer no
 * longer passes validation. The output folder then holds one current output per document; the answer itself stays
 * in the ledger.
 */
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FilesystemError } from '../shared/index.ts';
import { writeFailureReason } from './write-file-atomic.ts';

/**
 * Deletes the output at `path` when it lies in `outputDir`, the stage's output folder (gone already is fine). One
 * recorded elsewhere is left alone: an earlier `output.dir` keeps what it holds, and the paths of a copied project's
 * ledger still name the original's files. {@link FilesystemError} naming the file when it cannot be removed.
 */
export function removeOutput(path: string, outputDir: string): void {
  if (dirname(resolve(path)) !== resolve(outputDir)) return;
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw new FilesystemError(`cannot remove the superseded output ${path}: ${writeFailureReason(error)}`, { cause: error });
  }
}
