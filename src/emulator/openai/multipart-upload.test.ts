import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support.ts';
import { readMultipartUpload } from './multipart-upload.ts';

const temp = makeTempDir('truebatch-multipart-');
afterAll(() => temp.remove());

/** The form as the platform encodes it, re-sent in chunks of `chunk` bytes (boundaries fall anywhere). */
async function chunkedRequest(form: FormData, chunk: number): Promise<Request> {
  const encoded = new Request('http://x/files', { method: 'POST', body: form });
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
  return new Request('http://x/files', { method: 'POST', body, headers: { 'content-type': encoded.headers.get('content-type') ?? '' }, duplex: 'half' });
}

describe('readMultipartUpload', () => {
  // Content that contains CRLFs and dashes like a boundary's, so a sloppy search would cut it short.
  const content = `{"a":1}\r\n--\r\n------not-a-boundary\r\n${'x'.repeat(5000)}\n`;

  it.each([1, 7, 64 * 1024])('streams the file part to disk and keeps the fields, whatever their order (chunks of %i bytes)', async (chunk) => {
    const form = new FormData();
    form.append('file', new Blob([content]), 'in.jsonl');
    form.append('purpose', 'batch');
    const path = join(temp.dir, `out-${chunk}`);
    const upload = await readMultipartUpload(await chunkedRequest(form, chunk), path, 1_000_000);
    expect(upload).toEqual({ fields: new Map([['purpose', 'batch']]), file: { name: 'in.jsonl', bytes: Buffer.byteLength(content) }, tooLarge: false });
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('writes no more than the limit of an oversized file and says so', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([content]), 'big.jsonl');
    const path = join(temp.dir, 'big');
    const upload = await readMultipartUpload(await chunkedRequest(form, 100), path, 1000);
    expect(upload.tooLarge).toBe(true);
    expect(readFileSync(path).length).toBe(1000);
  });

  it('refuses a body that is not multipart', async () => {
    const request = new Request('http://x/files', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await expect(readMultipartUpload(request, join(temp.dir, 'none'), 1000)).rejects.toMatchObject({ status: 400 });
  });
});
