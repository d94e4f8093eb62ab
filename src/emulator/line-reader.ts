/**
 * @module Streams the lines of a file from a byte offset, reporting where each line starts and ends, so a job
 * can stop anywhere and resume later without holding the file, and result lines can be found again by offset.
 */
import { createReadStream } from 'node:fs';

/** One line without its line break, and its byte range in the file (`end` is just after the `\n`). */
export interface OffsetLine {
  text: string;
  start: number;
  end: number;
}

function decode(bytes: Buffer, start: number): string {
  let text = bytes.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (start === 0 && text.startsWith('\uFEFF')) text = text.slice(1);
  return text;
}

/** Yields every line of `path` from `startOffset` on (blank ones included), streaming. */
export async function* readLinesFrom(path: string, startOffset = 0): AsyncGenerator<OffsetLine> {
  const stream = createReadStream(path, { start: startOffset, highWaterMark: 1024 * 1024 });
  let carry: Buffer[] = [];
  let lineStart = startOffset;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, newline);
        const bytes = carry.length === 0 ? piece : Buffer.concat([...carry, piece]);
        carry = [];
        const end = lineStart + bytes.length + 1;
        yield { text: decode(bytes, lineStart), start: lineStart, end };
        lineStart = end;
        from = newline + 1;
      }
      if (from < chunk.length) carry.push(chunk.subarray(from));
    }
    if (carry.length > 0) {
      const bytes = Buffer.concat(carry);
      yield { text: decode(bytes, lineStart), start: lineStart, end: lineStart + bytes.length };
    }
  } finally {
    stream.destroy();
  }
}

/** Whether a line holds no request (empty or whitespace only). */
export function isBlankLine(text: string): boolean {
  return text.trim() === '';
}
