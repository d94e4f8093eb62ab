import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ReadableStream } from 'node:stream/web';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../shared/index.ts';
import { makeTempDir } from './test-support.ts';
import { appendChunk, openUploadSession } from './upload-session.ts';

const temps: { remove: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const temp of temps.splice(0)) await temp.remove();
});

async function session() {
  const temp = makeTempDir();
  temps.push(temp);
  return openUploadSession(temp.dir, { mimeType: 'application/jsonl', displayName: undefined, declaredSize: undefined, fileId: 'f' });
}

/** A body of `pieces`, each handed over on its own turn, failing after them when `failWith` is set. */
function body(pieces: readonly Buffer[], failWith?: Error): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const piece = pieces[next++];
      if (piece !== undefined) controller.enqueue(piece);
      else if (failWith !== undefined) controller.error(failWith);
      else controller.close();
    },
  });
}

function piecesOf(count: number, size: (index: number) => number): Buffer[] {
  return Array.from({ length: count }, (_, index) => Buffer.alloc(size(index), String.fromCharCode(97 + (index % 26))));
}

describe('upload session chunks', () => {
  it('writes every piece of a chunk in order, however many arrive while a write is under way', async () => {
    const upload = await session();
    const small = piecesOf(500, (index) => 1 + ((index * 7919) % 3000));
    const large = piecesOf(12, () => 1024 * 1024);
    const expected = Buffer.concat([...small, ...large]);
    expect(await appendChunk(upload, body(small))).toBe(Buffer.concat(small).length);
    expect(await appendChunk(upload, body(large))).toBe(Buffer.concat(large).length);
    expect(upload.received).toBe(expected.length);
    expect((await readFile(upload.path)).equals(expected)).toBe(true);
    expect(upload.hash.copy().digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('undoes a chunk that fails half way: file, size and hash stay as they were', async () => {
    const upload = await session();
    const kept = piecesOf(3, () => 1000);
    await appendChunk(upload, body(kept));
    const failure = new InputError('upload', 'connection reset');
    await expect(appendChunk(upload, body(piecesOf(40, () => 5000), failure))).rejects.toBe(failure);
    const expected = Buffer.concat(kept);
    expect(upload.received).toBe(expected.length);
    expect((await readFile(upload.path)).equals(expected)).toBe(true);
    expect(upload.hash.copy().digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
  });
});
