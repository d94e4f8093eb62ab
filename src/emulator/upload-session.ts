/**
 * @module One resumable upload session on disk: chunks are streamed to the session file and hashed as they
 * arrive, so even a 2 GB upload never sits in memory. A failed chunk is rolled back (file and hash).
 */
import { createHash } from 'node:crypto';
import { open, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadableStream } from 'node:stream/web';
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
  return { id, path, received: 0, hash: createHash('sha256'), busy: false, ...details };
}

/** Appends a request body to the session; returns the bytes it held. On any error the chunk is undone. */
export async function appendChunk(session: UploadSession, body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0;
  const hash = session.hash.copy();
  let bytes = 0;
  const handle = await open(session.path, 'a');
  try {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      await handle.write(chunk);
    }
  } catch (error) {
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
