import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('decodeText', () => {
  it('decodes UTF-8 and drops a BOM', () => {
    expect(decodeText(new TextEncoder().encode('\uFEFFcafé'))).toEqual({ ok: true, text: 'café' });
  });

  it('accepts a correctly encoded U+FFFD', () => {
    expect(decodeText(new TextEncoder().encode('a\uFFFDb'))).toEqual({ ok: true, text: 'a\uFFFDb' });
  });

  it('names the first invalid byte with its offset, line and column', () => {
    const text = new TextEncoder().encode('ok \uFFFD\nline two ');
    const withBad = new Uint8Array([...text, 0xff, 0x41]);
    expect(decodeText(withBad)).toEqual({
      ok: false,
      reason: `not valid UTF-8: byte 0xff at offset ${text.length} (line 2, column 10); save the file as UTF-8`,
    });
  });

  it('recognises binary files and UTF-16', () => {
    expect(decodeText(bytes(0x89, 0x50, 0x4e, 0x47, 0x00))).toEqual({ ok: false, reason: 'binary file (NUL byte at offset 4)' });
    expect(decodeText(bytes(0xff, 0xfe, 0x7b, 0x00))).toEqual({
      ok: false,
      reason: 'UTF-16 text (byte-order mark); save the file as UTF-8',
    });
  });
});
