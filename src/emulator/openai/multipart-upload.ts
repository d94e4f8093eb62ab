/**
 * @module Reads a `multipart/form-data` upload (RFC 7578) as it arrives: small fields into memory, the one file
 * part streamed to a temp file, so a 200 MB batch input never sits in memory. Parts may come in any order (the
 * openai SDK sends `file` before `purpose`). A file over `maxFileBytes` is not written past the limit; the rest of
 * the body is still read, so the client gets the refusal rather than a broken pipe.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OpenAiError } from './openai-wire.ts';

/** What the form held. */
export interface MultipartUpload {
  fields: Map<string, string>;
  file: { name: string; bytes: number } | undefined;
  /** The file part was longer than `maxFileBytes` (only the first `maxFileBytes` were written). */
  tooLarge: boolean;
}

/** A field longer than this is refused: fields are short (`purpose`, `expires_after[seconds]`). */
const MAX_FIELD_BYTES = 64 * 1024;

function boundaryOf(contentType: string | null): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!/^multipart\/form-data/i.test(contentType ?? '') || boundary === undefined) {
    throw new OpenAiError(400, 'The request must be multipart/form-data with a file and a purpose.');
  }
  return boundary;
}

function dispositionOf(headers: string): { name: string; filename: string | undefined } {
  const disposition = headers.split('\r\n').find((line) => /^content-disposition:/i.test(line)) ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, filename };
}

/** Streams `request`'s form: the file part goes to `filePath`. */
export async function readMultipartUpload(request: Request, filePath: string, maxFileBytes: number): Promise<MultipartUpload> {
  const delimiter = Buffer.from(`\r\n--${boundaryOf(request.headers.get('content-type'))}`);
  const upload: MultipartUpload = { fields: new Map(), file: undefined, tooLarge: false };
  if (request.body === null) throw new OpenAiError(400, 'The request must be multipart/form-data with a file and a purpose.');
  // A leading CRLF makes the first boundary look like every other one.
  let buffer = Buffer.from('\r\n');
  let phase = 'preamble' as 'preamble' | 'after-boundary' | 'headers' | 'body' | 'done';
  let part: { name: string; filename: string | undefined; chunks: Buffer[]; size: number } | undefined;
  let handle: FileHandle | undefined;

  const emit = async (bytes: Buffer): Promise<void> => {
    if (part === undefined || bytes.length === 0) return;
    part.size += bytes.length;
    if (part.filename === undefined) {
      if (part.size > MAX_FIELD_BYTES) throw new OpenAiError(400, `The form field '${part.name}' is too long.`, part.name);
      part.chunks.push(bytes);
      return;
    }
    const room = maxFileBytes - (part.size - bytes.length);
    if (room < bytes.length) upload.tooLarge = true;
    if (room > 0) await handle?.write(bytes.subarray(0, Math.min(room, bytes.length)));
  };
  const finishPart = (): void => {
    if (part === undefined) return;
    if (part.filename === undefined) upload.fields.set(part.name, Buffer.concat(part.chunks).toString('utf8'));
    else upload.file = { name: part.filename, bytes: part.size };
    part = undefined;
  };

  /** Consumes what `buffer` allows; returns when more bytes are needed. */
  const consume = async (): Promise<void> => {
    for (;;) {
      if (phase === 'preamble' || phase === 'body') {
        const at = buffer.indexOf(delimiter);
        if (at === -1) {
          // Keep a tail that could be the start of the delimiter.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (phase === 'body') await emit(buffer.subarray(0, buffer.length - keep));
          buffer = buffer.subarray(buffer.length - keep);
          return;
        }
        if (phase === 'body') {
          await emit(buffer.subarray(0, at));
          finishPart();
        }
        buffer = buffer.subarray(at + delimiter.length);
        phase = 'after-boundary';
      }
      if (phase === 'after-boundary') {
        if (buffer.length < 2) return;
        if (buffer.subarray(0, 2).toString() === '--') {
          phase = 'done';
          return;
        }
        buffer = buffer.subarray(2); // CRLF
        phase = 'headers';
      }
      if (phase === 'headers') {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) {
          if (buffer.length > MAX_FIELD_BYTES) throw new OpenAiError(400, 'A multipart part has headers that are too long.');
          return;
        }
        const { name, filename } = dispositionOf(buffer.subarray(0, end).toString('utf8'));
        if (filename !== undefined && (name !== 'file' || upload.file !== undefined || handle !== undefined)) {
          throw new OpenAiError(400, `Unexpected file part '${name}': send one file, as the 'file' field.`, name);
        }
        part = { name, filename, chunks: [], size: 0 };
        if (filename !== undefined) handle = await open(filePath, 'w');
        buffer = buffer.subarray(end + 4);
        phase = 'body';
        continue;
      }
      return;
    }
  };

  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      if (phase === 'done') continue;
      buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
      await consume();
    }
  } finally {
    await handle?.close();
  }
  if (phase !== 'done') throw new OpenAiError(400, 'The multipart body ended before its closing boundary.');
  return upload;
}
