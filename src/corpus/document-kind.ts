/**
 * @module What kind of document a file is, by its first bytes first and its extension second: a PDF named `.txt` is
 * a PDF, and a Word file renamed `.pdf` is refused with what to do instead of being sent as garbage.
 */
import path from 'node:path';
import type { DocumentFormat } from './corpus-types.ts';

/** Bytes {@link sniffDocument} needs from the start of a file. */
export const SNIFF_BYTES = 16;

/** A document kind the corpus reads, or why the file cannot be one. */
export type Sniffed =
  | { ok: true; format: DocumentFormat; mimeType: string }
  | { ok: false; reason: string };

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return bytes.every((byte, index) => head[at + index] === byte);
}

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

/** Binary kinds recognised by their magic bytes (PDF 1.7 §7.5.2; PNG, JPEG and WebP signatures). */
const MAGIC: readonly { format: 'pdf' | 'image'; mimeType: string; test: (head: Uint8Array) => boolean }[] = [
  { format: 'pdf', mimeType: 'application/pdf', test: (head) => startsWith(head, ascii('%PDF-')) },
  { format: 'image', mimeType: 'image/png', test: (head) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { format: 'image', mimeType: 'image/jpeg', test: (head) => startsWith(head, [0xff, 0xd8, 0xff]) },
  { format: 'image', mimeType: 'image/webp', test: (head) => startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8) },
];

/** Files Gemini does not read, with what to do instead. */
const REFUSED: readonly { test: (head: Uint8Array) => boolean; reason: string }[] = [
  { test: (head) => startsWith(head, [0x50, 0x4b, 0x03, 0x04]), reason: 'a DOCX or other ZIP archive, which Gemini does not read: export it to PDF' },
  { test: (head) => startsWith(head, [0xd0, 0xcf, 0x11, 0xe0]), reason: 'a legacy Office file (DOC/XLS/PPT), which Gemini does not read: export it to PDF' },
  { test: (head) => startsWith(head, ascii('GIF8')), reason: 'a GIF image, which truebatch does not send: convert it to PNG' },
];

/** The extensions of binary kinds, to say "named .pdf but not a PDF". */
const BINARY_EXTENSIONS: Readonly<Record<string, string>> = {
  '.pdf': 'a PDF (no %PDF- header)',
  '.png': 'a PNG image',
  '.jpg': 'a JPEG image',
  '.jpeg': 'a JPEG image',
  '.webp': 'a WebP image',
};

/** The text format of a file by its extension: `.json`, `.md`/`.markdown`, `.html`/`.htm`, anything else is plain text. */
export function textFormatOf(filePath: string): 'json' | 'markdown' | 'html' | 'text' {
  const extension = path.extname(filePath).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.md' || extension === '.markdown') return 'markdown';
  if (extension === '.html' || extension === '.htm') return 'html';
  return 'text';
}

const TEXT_MIME_TYPES = { json: 'application/json', markdown: 'text/markdown', html: 'text/html', text: 'text/plain' } as const;

/**
 * The kind of a file from its first {@link SNIFF_BYTES} bytes and its name. A text file is only a guess here (its
 * bytes are decoded later); a binary kind is certain, and a file whose extension promises a binary kind it lacks is
 * refused.
 */
export function sniffDocument(head: Uint8Array, filePath: string): Sniffed {
  const magic = MAGIC.find((kind) => kind.test(head));
  if (magic) return { ok: true, format: magic.format, mimeType: magic.mimeType };
  const refused = REFUSED.find((kind) => kind.test(head));
  const extension = path.extname(filePath).toLowerCase();
  if (refused) return { ok: false, reason: extension === '' ? refused.reason : `named ${extension} but ${refused.reason}` };
  const promised = BINARY_EXTENSIONS[extension];
  if (promised !== undefined) return { ok: false, reason: `named ${extension} but not ${promised}: check the file, or rename it` };
  const format = textFormatOf(filePath);
  return { ok: true, format, mimeType: TEXT_MIME_TYPES[format] };
}

/** Whether a format travels as bytes beside the prompt (PDFs and images) rather than as text inside it. */
export function isBinaryFormat(format: DocumentFormat): format is 'pdf' | 'image' {
  return format === 'pdf' || format === 'image';
}

/** Bytes {@link imageTailProblem} needs from the end of a file. */
export const IMAGE_TAIL_BYTES = 1024;

/**
 * Why an image cannot be sent, judging by its first and last bytes and its size, or undefined: a PNG ends with its
 * IEND chunk, a JPEG with its end-of-image marker (FF D9), and a WebP's RIFF header states its size.
 */
export function imageTailProblem(mimeType: string, head: Uint8Array, tail: Uint8Array, size: number): string | undefined {
  const truncated = (what: string, missing: string): string => `truncated ${what} image (${missing}): export or download it again`;
  if (mimeType === 'image/png' && !Buffer.from(tail).includes('IEND')) return truncated('PNG', 'no IEND chunk at its end');
  if (mimeType === 'image/jpeg' && !Buffer.from(tail).includes(Buffer.from([0xff, 0xd9]))) return truncated('JPEG', 'no end-of-image marker');
  if (mimeType === 'image/webp') {
    const stated = Buffer.from(head).readUInt32LE(4) + 8;
    if (stated > size) return truncated('WebP', `its header says ${stated} bytes, the file has ${size}`);
  }
  return undefined;
}
