/**
 * @module Creating a folder (and its parents) with an error that says which path is in the way and why, instead
 * of a bare ENOTDIR/EEXIST/EROFS.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { FilesystemError } from '../shared/index.ts';
import { writeFailureReason } from './write-file-atomic.ts';

/** The nearest of `dir` and its ancestors that exists and is not a folder, if any. */
function blockingFile(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    try {
      return statSync(current).isDirectory() ? undefined : current;
    } catch {
      // Does not exist: look further up.
    }
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Creates `dir` and its missing parents. Throws {@link FilesystemError} naming `what` and the path:
 * "cannot create the output folder /p/outputs/x: /p/outputs is a file, not a folder", "... read-only file system".
 * @example ensureFolder(stage.output.dir, 'output folder')
 */
export function ensureFolder(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const blocker = blockingFile(dir);
    if (blocker !== undefined) {
      throw new FilesystemError(`cannot create the ${what} ${dir}: ${blocker} is a file, not a folder`, { cause: error });
    }
    throw new FilesystemError(`cannot create the ${what} ${dir}: ${writeFailureReason(error)}`, { cause: error });
  }
}
