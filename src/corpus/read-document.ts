/** @module Reads one corpus file into a {@link Document}, or says exactly why it cannot be one. */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, parseJsonText, sha256Hex } from '../shared/index.ts';
import type { Document, DocumentFormat } from './corpus-types.ts';
import { decodeText } from './decode-text.ts';
import { IMAGE_TAIL_BYTES, SNIFF_BYTES, imageTailProblem, isBinaryFormat, sniffDocument, textFormatOf, type Sniffed } from './document-kind.ts';
import { MAX_DOCUMENT_BYTES, PDF_TAIL_BYTES, pdfTailProblem } from './pdf-inspect.ts';

/** A document, or the reason the file is invalid. */
export type ReadResult = { ok: true; document: Document } | { ok: false; reason: string };

/** The format a text file is read as, by extension (a file's bytes decide first: see document-kind.ts). */
export const formatOf = textFormatOf;

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The id, or a reason it is unusable; ids become request keys and file names. */
function idOf(
  stem: string,
  format: DocumentFormat,
  fields: Record<string, unknown>,
  idField: string | undefined,
): { ok: true; id: string } | { ok: false; reason: string } {
  let id = stem;
  // `idField` names a JSON field; Markdown and text files have none, so they keep their file stem.
  if (idField !== undefined && format === 'json') {
    const value = fields[idField];
    if (value === undefined) return { ok: false, reason: `idField \`${idField}\` is missing` };
    if (typeof value === 'number' && Number.isFinite(value)) id = String(value);
    else if (typeof value === 'string') id = value.trim();
    else return { ok: false, reason: `idField \`${idField}\` is ${kindOf(value)}; expected a string` };
  }
  if (id === '') return { ok: false, reason: idField === undefined ? 'empty id (file stem)' : `idField \`${idField}\` is empty` };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (/[/\\\u0000-\u001f]/.test(id)) {
    return { ok: false, reason: `id ${JSON.stringify(id)} contains \`/\`, \`\\\` or a control character; ids become file names` };
  }
  return { ok: true, id };
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, position));
}

/** The kind of a file by its first bytes and its name (see `sniffDocument`), reading nothing more. Throws if it cannot be read. */
export function sniffFile(file: { path: string; absolutePath: string }): Sniffed {
  const fd = openSync(file.absolutePath, 'r');
  try {
    return sniffDocument(readAt(fd, SNIFF_BYTES, 0), file.path);
  } finally {
    closeSync(fd);
  }
}

/** Chunk size for hashing a binary document without holding it. */
const HASH_CHUNK = 1024 * 1024;

/** SHA-256 hex of the whole file, read in chunks. */
function hashFile(fd: number, size: number): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(Math.min(HASH_CHUNK, Math.max(size, 1)));
  for (let position = 0; position < size; ) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    position += read;
  }
  return hash.digest('hex');
}

/**
 * Reads and checks one file. Never throws for a bad document; an unreadable file is a reason too. Text documents
 * are read whole; a PDF or image is only sniffed, checked at its end and hashed in chunks (its bytes travel later,
 * see `inspectDocument` for a PDF's pages).
 */
export function readDocument(
  file: { path: string; absolutePath: string },
  idField: string | undefined,
): ReadResult {
  // Synchronous on purpose: for many small files it is several times faster than the promise API's
  // open/stat/read/close round trips, and documents are read one at a time anyway.
  let fd: number | undefined;
  try {
    fd = openSync(file.absolutePath, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
    const sniffed = sniffDocument(readAt(fd, SNIFF_BYTES, 0), file.path);
    if (!sniffed.ok) return sniffed;
    if (isBinaryFormat(sniffed.format)) {
      if (size > MAX_DOCUMENT_BYTES) {
        return { ok: false, reason: `${size} bytes, over the 2 GB a provider takes per file: split it into smaller files` };
      }
      if (sniffed.format === 'pdf') {
        const problem = pdfTailProblem(readAt(fd, Math.min(PDF_TAIL_BYTES, size), Math.max(0, size - PDF_TAIL_BYTES)).toString('latin1'));
        if (problem !== undefined) return { ok: false, reason: `${problem} (PDF, ${size} bytes)` };
      } else {
        const tail = readAt(fd, Math.min(IMAGE_TAIL_BYTES, size), Math.max(0, size - IMAGE_TAIL_BYTES));
        const problem = imageTailProblem(sniffed.mimeType, readAt(fd, SNIFF_BYTES, 0), tail, size);
        if (problem !== undefined) return { ok: false, reason: `${problem} (${sniffed.mimeType}, ${size} bytes)` };
      }
      return documentOf(file, sniffed.format, sniffed.mimeType, {}, '', hashFile(fd, size), size, idField);
    }
    return readText(file, readAt(fd, size, 0), sniffed.format, sniffed.mimeType, idField);
  } catch (error) {
    return { ok: false, reason: `could not read the file: ${errorMessage(error)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readText(
  file: { path: string; absolutePath: string },
  bytes: Buffer,
  format: DocumentFormat,
  mimeType: string,
  idField: string | undefined,
): ReadResult {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (text.trim() === '') return { ok: false, reason: `empty file (only whitespace, ${bytes.length} bytes)` };
  let fields: Record<string, unknown>;
  if (format === 'json') {
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      return {
        ok: false,
        reason: `malformed JSON at line ${parsed.position.line}, column ${parsed.position.column}: ${parsed.message}`,
      };
    }
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return { ok: false, reason: `JSON is ${kindOf(parsed.value)}, not an object; a document must be one JSON object` };
    }
    fields = parsed.value as Record<string, unknown>;
  } else {
    fields = { text };
  }
  return documentOf(file, format, mimeType, fields, text, sha256Hex(bytes), bytes.length, idField);
}

function documentOf(
  file: { path: string; absolutePath: string },
  format: DocumentFormat,
  mimeType: string,
  fields: Record<string, unknown>,
  text: string,
  contentHash: string,
  sizeBytes: number,
  idField: string | undefined,
): ReadResult {
  const stem = path.basename(file.path, path.extname(file.path));
  const id = idOf(stem, format, fields, idField);
  if (!id.ok) return id;
  return {
    ok: true,
    document: { id: id.id, path: file.path, absolutePath: file.absolutePath, format, mimeType, fields, text, contentHash, sizeBytes },
  };
}
