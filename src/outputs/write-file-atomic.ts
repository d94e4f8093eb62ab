/**
 * @module Atomic file writes: a partial file never stands under its final name, even across a crash.
 */
import { open, rename, unlink } from 'node:fs/promises';
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

/** A unique temporary name beside `path`; the final name is kept short so the temp name stays a legal length. */
function tempPathFor(path: string): string {
  const stem = [...basename(path)].slice(0, 48).join('');
  return join(dirname(path), `${TEMP_FILE_PREFIX}${stem}-${randomId(12)}`);
}

/** Flushes a directory entry change (the rename) to disk; some platforms cannot open directories, which is fine. */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory is written and fsync'd, renamed over
 * `path`, then the directory is fsync'd. On any failure the temporary file is removed and a {@link FilesystemError}
 * says why ("disk full while writing X", "permission denied writing X", ...); an existing file at `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tempPath = tempPathFor(path);
  let created = false;
  try {
    const handle = await open(tempPath, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
    created = false;
    await fsyncDirectory(dirname(path));
  } catch (error) {
    if (created) await unlink(tempPath).catch(() => undefined);
    throw describeWriteError(path, error);
  }
}
