/**
 * @module Streams the lines of a file from a byte offset, reporting where each line starts and ends, so a job
 * can stop anywhere and resume later without holding the file, and result lines can be found again by offset.
 * JSONL readers use it from the start: it splits on `\n` alone, several times cheaper than `readline`.
 */
import { open } from 'node:fs/promises';

/** One line without its line break, and its byte range in the file (`end` is just after the `\n`). */
export interface OffsetLine {
  text: string;
  start: number;
  end: number;
}

/**
 * Bytes read at a time; the buffer only grows past this for a longer line. Each read gives the event loop a turn:
 * a job working through its input lets waiting requests in every few hundred lines (tens of milliseconds); smaller
 * reads cost measurably more CPU.
 */
const READ_BYTES = 1024 * 1024;

function decode(bytes: Buffer, from: number, to: number, fileOffset: number): string {
  let text = bytes.toString('utf8', from, to);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (fileOffset === 0 && text.startsWith('\uFEFF')) text = text.slice(1);
  return text;
}

/**
 * Yields every line of `path` from `startOffset` on (blank ones included), streaming. One buffer is read into
 * again and again (a partial last line moves to its front), so a long file allocates no buffer per read: fresh
 * buffers are external memory, and their churn alone made V8 run full collections.
 */
export async function* readLinesFrom(path: string, startOffset = 0): AsyncGenerator<OffsetLine> {
  const handle = await open(path, 'r');
  let buffer = Buffer.allocUnsafe(READ_BYTES);
  // `buffer[0, filled)` holds the bytes from file offset `offset` on.
  let filled = 0;
  let offset = startOffset;
  try {
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer], buffer.length * 2); // one line fills the buffer
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      const bytes = buffer.subarray(0, filled);
      let from = 0;
      for (let newline = bytes.indexOf(10, from); newline >= 0; newline = bytes.indexOf(10, from)) {
        const start = offset + from;
        yield { text: decode(bytes, from, newline, start), start, end: offset + newline + 1 };
        from = newline + 1;
      }
      buffer.copy(buffer, 0, from, filled);
      filled -= from;
      offset += from;
    }
    if (filled > 0) yield { text: decode(buffer, 0, filled, offset), start: offset, end: offset + filled };
  } finally {
    await handle.close();
  }
}

/** Whether a line holds no request (empty or whitespace only). */
export function isBlankLine(text: string): boolean {
  return text.trim() === '';
}
