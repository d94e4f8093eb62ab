/**
 * @module Files as batch lines see them: which uploads are alive (Files API: "stored for 48 hours", then gone from
 * get and list), what a `fileData.fileUri` names, the per-project storage quota, and the error a line gets when
 * the file it names is gone.
 */
import { rm } from 'node:fs/promises';
import type { EmulatorState, FileRecord } from './emulator-state.ts';

/** Storage per project (Files API: "store up to 20 GB of files per project, per-file maximum 2 GB"). */
export const DEFAULT_FILE_QUOTA_BYTES = 20 * 1024 ** 3;

/**
 * Whether an upload has outlived its `expirationTime` on the emulator's clock. Batch outputs (GENERATED) are kept:
 * the emulator sets their `expirationTime` too, but no source says Google deletes result files after 48 hours.
 */
export function isExpired(record: FileRecord, now: number): boolean {
  return record.source === 'UPLOADED' && now >= record.expirationTimeMs;
}

/** The files get and list show: every file but expired uploads. */
export function* visibleFiles(state: EmulatorState): Generator<FileRecord> {
  const now = state.options.clock.now();
  for (const record of state.files.values()) if (!isExpired(record, now)) yield record;
}

/** The uploads counted against the quota: alive and uploaded (not batch outputs). */
export function liveUploads(state: EmulatorState): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const record of visibleFiles(state)) {
    if (record.source !== 'UPLOADED') continue;
    files++;
    bytes += record.sizeBytes;
  }
  return { files, bytes };
}

/** Forgets expired uploads and removes their bytes (they already are invisible; this frees the disk). */
export async function purgeExpiredFiles(state: EmulatorState): Promise<void> {
  const now = state.options.clock.now();
  const expired = [...state.files.values()].filter((record) => isExpired(record, now));
  if (expired.length === 0) return;
  for (const record of expired) state.files.delete(record.id);
  state.counters.filesExpired += expired.length;
  await state.saveSnapshot();
  await Promise.all(expired.map((record) => rm(record.path, { force: true })));
}

/**
 * Why an upload of `bytes` more must be refused (counted in `uploadsRejected`), or undefined when it fits the quota
 * (expired uploads are purged first: they no longer count). The status is a guess: Google documents the 20 GB limit but no source shows its
 * error; RESOURCE_EXHAUSTED is what Google's APIs send for exhausted quotas.
 */
export async function quotaRefusal(state: EmulatorState, bytes: number): Promise<{ code: number; message: string } | undefined> {
  await purgeExpiredFiles(state);
  const quota = state.options.fileQuotaBytes;
  const { bytes: used } = liveUploads(state);
  if (used + bytes <= quota) return undefined;
  state.counters.uploadsRejected++;
  return {
    code: 429,
    message: `Storage quota exceeded: this upload of ${bytes} bytes would bring the project's files to ${used + bytes} bytes, over its ${quota} byte limit. Delete files to free space.`,
  };
}

/**
 * The file id a `fileData.fileUri` names: `files/abc`, or the File's `uri` as Google returns it
 * (`https://generativelanguage.googleapis.com/v1beta/files/abc`, any host, version or path prefix). Undefined for
 * anything else (`gs://…`, web URLs), which the emulator cannot read.
 */
export function fileIdOfUri(uri: string): string | undefined {
  const match = /^(?:https?:\/\/[^/?#]+(?:\/[^?#]*)?\/)?files\/([a-z0-9-]{1,40})$/.exec(uri.trim());
  return match?.[1];
}

/**
 * A line naming a file that is not (or no longer) uploaded: 403 with Google's wording, as users saw it for expired
 * and deleted files (issue google-gemini/deprecated-generative-ai-python#692: "403 You do not have permission to
 * access the File <id> or it may not exist.").
 */
export function fileUnavailable(id: string): { code: number; message: string } {
  return { code: 403, message: `You do not have permission to access the File ${id} or it may not exist.` };
}
