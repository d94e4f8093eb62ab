/** @module Stored files: look-up by name, registration of finished uploads and batch outputs, deletion. */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, NotFoundError } from '../shared/index.ts';
import { storagePaths, type EmulatorState, type FileRecord } from './emulator-state.ts';
import { FILE_LIFETIME_MS } from './file-json.ts';
import { isExpired } from './file-references.ts';
import { tally } from './stats.ts';

/** File ids: at most 40 lowercase alphanumerics or `-`, not starting or ending with `-` (file.proto). */
export function isValidFileId(id: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(id);
}

/** `files/abc` or `abc` → `abc`; anything else is a 400 naming `where`. */
export function fileIdOf(name: string, where: string): string {
  const id = name.startsWith('files/') ? name.slice('files/'.length) : name;
  if (id === '' || id.includes('/')) throw new InputError(where, `"${name}" is not a file name (expected files/<id>)`);
  return id;
}

/** The record of `files/<id>`, or a 404 (an expired upload is gone, as on Google's side). */
export function findFile(state: EmulatorState, id: string): FileRecord {
  const record = state.files.get(id);
  if (record === undefined || isExpired(record, state.options.clock.now())) throw new NotFoundError(`File files/${id} does not exist.`);
  return record;
}

/** Where the contents of file `id` live. */
export function filePath(state: EmulatorState, id: string): string {
  return join(storagePaths(state.options.storageDir).files, id);
}

/** Moves `sourcePath` into the file store and registers it as `files/<id>`. */
export async function storeFile(
  state: EmulatorState,
  details: Omit<FileRecord, 'seq' | 'path' | 'createTimeMs' | 'expirationTimeMs'> & { sourcePath: string },
): Promise<FileRecord> {
  const path = filePath(state, details.id);
  await rename(details.sourcePath, path);
  const now = state.options.clock.now();
  const record: FileRecord = {
    id: details.id,
    seq: state.nextSeq(),
    displayName: details.displayName,
    mimeType: details.mimeType,
    sizeBytes: details.sizeBytes,
    sha256Hex: details.sha256Hex,
    createTimeMs: now,
    expirationTimeMs: now + FILE_LIFETIME_MS,
    source: details.source,
    path,
  };
  state.files.set(record.id, record);
  if (record.source === 'UPLOADED') {
    tally(state.tallies.uploadsByDisplayName, record.displayName ?? '(none)');
    tally(state.tallies.uploadsBySha256, record.sha256Hex);
  }
  return record;
}

/** Forgets `files/<id>` and removes its contents. Jobs reading it hold their own hard link. */
export async function deleteStoredFile(state: EmulatorState, record: FileRecord): Promise<void> {
  state.files.delete(record.id);
  // Forgotten on disk before the bytes go: a crash in between leaves stray bytes (removed on restore), not a record without them.
  await state.saveSnapshot();
  await rm(record.path, { force: true });
}
