/** @module Decides whether a file's bytes are UTF-8 text, and says precisely why not. */
import { positionAt } from '../shared/index.ts';

/** The decoded text, or why the bytes are not usable text. */
export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');

/** Byte offset of the first invalid UTF-8 sequence (the lenient decoder turns it into U+FFFD). */
function firstInvalidByte(bytes: Uint8Array): { offset: number; text: string } {
  const text = lenientDecoder.decode(bytes);
  const encoder = new TextEncoder();
  let searchFrom = 0;
  for (;;) {
    const index = text.indexOf('\uFFFD', searchFrom);
    if (index < 0) return { offset: 0, text };
    const offset = encoder.encode(text.slice(0, index)).length;
    // A literal, correctly encoded U+FFFD (EF BF BD) is valid text; keep looking.
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      return { offset, text: text.slice(0, index) };
    }
    searchFrom = index + 1;
  }
}

/** Decodes UTF-8 (a leading BOM is dropped); UTF-16, binary (NUL bytes) and invalid UTF-8 are reasons. */
export function decodeText(bytes: Uint8Array): DecodeResult {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, reason: 'UTF-16 text (byte-order mark); save the file as UTF-8' };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, reason: `binary file (NUL byte at offset ${nul})` };
  try {
    return { ok: true, text: strictDecoder.decode(bytes) };
  } catch {
    const { offset, text } = firstInvalidByte(bytes);
    const { line, column } = positionAt(text, text.length);
    const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
    return {
      ok: false,
      reason: `not valid UTF-8: byte 0x${byte} at offset ${offset} (line ${line}, column ${column}); save the file as UTF-8`,
    };
  }
}
