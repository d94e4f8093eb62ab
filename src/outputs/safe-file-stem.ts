/**
 * @module Document ids and keys made safe as file names on Linux, macOS and Windows, without ever letting two
 * different ids land on the same name.
 */
import { sha256Hex } from '../shared/index.ts';

/** Longest stem in UTF-8 bytes, leaving room for an extension and the temporary-file prefix within 255 bytes. */
export const MAX_STEM_BYTES = 150;

/** Bytes taken by the `-` + 8 hex digits appended to a changed name. */
const HASH_SUFFIX_BYTES = 9;

/**
 * Path separators, characters Windows forbids, C0/C1 control characters, and the bidirectional overrides that can
 * make a name display as something else.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern removes
const UNSAFE_CHARACTERS = /[/\\<>:"|?*\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Windows device names, reserved with any extension and in any case (`nul.txt`, `Com1.tar.gz`). */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(?:[ .].*)?$/iu;

/** Names that every rule below leaves as they are: ASCII word characters and dashes, single inner dots. */
const SAFE_AS_IS = /^[\w-]+(?:\.[\w-]+)*$/u;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/**
 * A file stem for `name` (an id or key): separators, `..`, control characters, Windows-invalid characters, a leading
 * dot, leading/trailing spaces and trailing dots are replaced or removed, Windows device names get a `_` prefix, and
 * the result is cut to {@link MAX_STEM_BYTES} bytes. If anything changed, `-` and the first 8 hex digits of
 * sha256(name) are appended, so different ids never share a stem. Names that are already safe are returned as they are.
 * @example safeFileStem('doc-1') === 'doc-1'; safeFileStem('a/b') === 'a_b-' + sha256Hex('a/b').slice(0, 8)
 */
export function safeFileStem(name: string): string {
  // The common case (ids like `d123`, keys like `d123_extract`) skips the five replacements.
  if (name.length <= MAX_STEM_BYTES && SAFE_AS_IS.test(name) && !WINDOWS_RESERVED.test(name)) return name;
  let stem = name
    .replace(UNSAFE_CHARACTERS, '_')
    .replace(/\.{2,}/gu, '_')
    .replace(/^\./u, '_')
    .replace(/^\s+/u, '')
    .replace(/[\s.]+$/u, '');
  if (WINDOWS_RESERVED.test(stem)) stem = `_${stem}`;
  if (stem === '') stem = '_';
  if (stem === name && Buffer.byteLength(stem) <= MAX_STEM_BYTES) return stem;
  return `${truncateUtf8(stem, MAX_STEM_BYTES - HASH_SUFFIX_BYTES)}-${sha256Hex(name).slice(0, 8)}`;
}
