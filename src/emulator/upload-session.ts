/**
 * @module One resumable upload session on disk: chunks are streamed to the session file and hashed as they
 * arrive, so even a 2 GB upload never sits in memory. A failed chunk is rolled back (file and hash).
 */
import { createHash } from 'node:crypto';
import { open, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../shared/index.ts';
import type { UploadSession } from './emulator-state.ts';

/** Creates an empty session file under `uploadsDir`. */
export async function openUploadSession(
  uploadsDir: string,
  details: { mimeType: string; displayName: string | undefined; declaredSize: number | undefined; fileId: string },
): Promise<UploadSession> {
  const id = randomId(40);
  const path = join(uploadsDir, id);
  await writeFile(path, '');
  return { id, path, received: 0, hash: createHash('sha256'), busy: false, interrupted: false, ...details };
}

/** Body bytes received but not yet on disk before reading waits for the disk (bounds memory per upload). */
const MAX_UNWRITTEN_BYTES = 8 * 1024 * 1024;

/** How much of a body to take, and who hears of each piece as it arrives. */
export interface AppendOptions {
  /** Stop reading after this many bytes and keep them (the `dropUploadChunk` fault). @default the whole body */
  maxBytes?: number;
  /** Called with each piece's size as it arrives, kept or not (the emulator's byte counter). */
  onBytes?: (bytes: number) => void;
}

/**
 * Appends a request body to the session; returns the bytes it held. On any error the chunk is undone. Pieces
 * that arrive while a write is under way are written together with the next one, so a busy event loop costs a
 * few large writes instead of one round trip per piece.
 */
export async function appendChunk(session: UploadSession, body: AsyncIterable<Uint8Array> | null, options: AppendOptions = {}): Promise<number> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (body === null || maxBytes <= 0) return 0;
  const hash = session.hash.copy();
  let bytes = 0;
  const handle = await open(session.path, 'a');
  let queued: Uint8Array[] = [];
  let unwritten = 0;
  let scheduled = false;
  let writeFailed = false;
  const writeQueued = async (): Promise<void> => {
    scheduled = false;
    const pieces = queued;
    queued = [];
    try {
      await handle.writev(pieces);
    } finally {
      for (const piece of pieces) unwritten -= piece.byteLength;
    }
  };
  // One write at a time, in order; a failed write fails every later one, and awaiting `writes` rethrows it.
  let writes: Promise<void> = Promise.resolve();
  try {
    for await (const piece of body) {
      if (writeFailed) await writes;
      options.onBytes?.(piece.byteLength);
      const chunk = bytes + piece.byteLength > maxBytes ? piece.subarray(0, maxBytes - bytes) : piece;
      hash.update(chunk);
      bytes += chunk.byteLength;
      queued.push(chunk);
      unwritten += chunk.byteLength;
      if (!scheduled) {
        scheduled = true;
        writes = writes.then(writeQueued);
        writes.catch(() => {
          writeFailed = true;
        });
      }
      if (unwritten >= MAX_UNWRITTEN_BYTES) await writes;
      if (bytes >= maxBytes) break;
    }
    await writes;
  } catch (error) {
    await writes.catch(() => undefined);
    await handle.close();
    await truncate(session.path, session.received);
    throw error;
  }
  await handle.close();
  session.hash = hash;
  session.received += bytes;
  return bytes;
}

/** Drops the session's file. */
export async function discardUploadSession(session: UploadSession): Promise<void> {
  await rm(session.path, { force: true });
}
