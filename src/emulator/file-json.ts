/** @module The File resource as Google sends it: string `sizeBytes`, base64-of-hex `sha256Hash`, RFC 3339 times. */
import { toRfc3339Nanos } from '../shared/index.ts';
import type { FileRecord } from './emulator-state.ts';
import type { JsonObject } from './proto-json.ts';
import type { PublicUrls } from './public-urls.ts';

/** Files are kept 48 hours (Files API). */
export const FILE_LIFETIME_MS = 48 * 60 * 60 * 1000;

/** The File JSON for `record`. */
export function fileJson(record: FileRecord, urls: PublicUrls): JsonObject {
  const created = toRfc3339Nanos(record.createTimeMs);
  return {
    name: `files/${record.id}`,
    ...(record.displayName === undefined ? {} : { displayName: record.displayName }),
    mimeType: record.mimeType,
    sizeBytes: String(record.sizeBytes),
    createTime: created,
    updateTime: created,
    expirationTime: toRfc3339Nanos(record.expirationTimeMs),
    // Google's quirk: the bytes field holds the hex text of the digest, so the JSON is base64 of that text.
    sha256Hash: Buffer.from(record.sha256Hex, 'utf8').toString('base64'),
    uri: `${urls.root}/${urls.version}/files/${record.id}`,
    ...(record.source === 'GENERATED'
      ? { downloadUri: `${urls.root}/download/${urls.version}/files/${record.id}:download?alt=media` }
      : {}),
    state: 'ACTIVE',
    source: record.source,
  };
}
