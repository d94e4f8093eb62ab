/**
 * @module Atomic file writes: a partial file never stands under its final name, even across a crash.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FilesystemError, errorMessage, randomId } from '../shared/index.ts';

/** Prefix of the temporary files this module leaves behind only if the process dies mid-write. */
export const TEMP_FILE_PREFIX = '.tmp-';

/** The OS error code of a Node fs error, if any. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Why a write failed, in plain words: "disk full", "read-only file system", "permission denied", or the OS message. */
export function writeFailureReason(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'disk full';
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return errorMessage(error);
  }
}

/** A {@link FilesystemError} that says what happened to `path` in plain words. */
export function describeWriteError(path: string, error: unknown): FilesystemError {
  const code = errorCode(error);
  const reason =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `disk full while writing ${path}`
      : code === 'EROFS'
        ? `read-only file system: cannot write ${path}`
        : code === 'EACCES' || code === 'EPERM'
          ? `permission denied writing ${path}`
          : `could not write ${path}: ${errorMessage(error)}`;
  return new FilesystemError(reason, { cause: error });
}

const processTag = randomId(8);
let tempCounter = 0;

/**
 * A unique temporary name beside `path` (a per-process random tag and a counter: cheaper than fresh randomness for
 * every file); the final name is kept short so the temp name stays a legal length.
 */
export function tempPathFor(path: string): string {
  const stem = [...basename(path)].slice(0, 48).join('');
  return join(dirname(path), `${TEMP_FILE_PREFIX}${stem}-${processTag}${(tempCounter++).toString(36)}`);
}

/** Flushes a directory's entries (a rename) to disk; some platforms cannot open directories, which is fine. */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw describeWriteError(dir, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory is written, then renamed over `path`,
 * so a crashed process never leaves a partial file under the final name. Unless `durable` is false, the file is
 * fsync'd before the rename and the directory after it, so the write also survives a power cut; a caller that can
 * rebuild the file (outputs are rewritten from the ledger when missing or damaged) skips that cost. On any failure
 * the temporary file is removed and a {@link FilesystemError} says why ("disk full while writing X", ...); an
 * existing file at `path` is untouched. Synchronous: for small files several times faster than the promise API (whose
 * every open, write and close is a thread-pool round trip); bulk writers run it on a worker thread.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  const tempPath = tempPathFor(path);
  let created = false;
  try {
    const fd = openSync(tempPath, 'wx');
    created = true;
    try {
      writeFileSync(fd, data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tempPath, path);
    created = false;
    if (durable) fsyncDirectory(dirname(path));
  } catch (error) {
    if (created) rmSync(tempPath, { force: true });
    throw error instanceof FilesystemError ? error : describeWriteError(path, error);
  }
}
