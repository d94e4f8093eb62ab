/** @module Reads one corpus file into a {@link Document}, or says exactly why it cannot be one. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, parseJsonText, sha256Hex } from '../shared/index.ts';
import type { Document, DocumentFormat } from './corpus-types.ts';
import { decodeText } from './decode-text.ts';

/** A document, or the reason the file is invalid. */
export type ReadResult = { ok: true; document: Document } | { ok: false; reason: string };

/** The format a file is read as, by extension: `.json`, `.md`/`.markdown`, anything else is plain text. */
export function formatOf(filePath: string): DocumentFormat {
  const extension = path.extname(filePath).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.md' || extension === '.markdown') return 'markdown';
  return 'text';
}

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

/** Reads and checks one file. Never throws for a bad document; an unreadable file is a reason too. */
export function readDocument(
  file: { path: string; absolutePath: string },
  idField: string | undefined,
): ReadResult {
  let bytes: Buffer;
  try {
    // Synchronous on purpose: for many small files it is several times faster than the promise API's
    // open/stat/read/close round trips, and documents are read one at a time anyway.
    bytes = readFileSync(file.absolutePath);
  } catch (error) {
    return { ok: false, reason: `could not read the file: ${errorMessage(error)}` };
  }
  if (bytes.length === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (text.trim() === '') return { ok: false, reason: `empty file (only whitespace, ${bytes.length} bytes)` };
  const format = formatOf(file.path);
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
  const stem = path.basename(file.path, path.extname(file.path));
  const id = idOf(stem, format, fields, idField);
  if (!id.ok) return id;
  return {
    ok: true,
    document: {
      id: id.id,
      path: file.path,
      absolutePath: file.absolutePath,
      format,
      fields,
      text,
      contentHash: sha256Hex(bytes),
      sizeBytes: bytes.length,
    },
  };
}
