/**
 * @module Reads the media parts of a batch line before the simulated model answers it: a `fileData` part must
 * name an upload that is alive when the line is processed (else the line fails with Google's 403); inline parts
 * must be valid base64 and together within the request limit. PDFs give their text and page count, text files
 * their text, images nothing but their metadata. What one content gives is read once and cached by its sha256, so
 * 300 lines naming one PDF parse it once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EmulatorState } from './emulator-state.ts';
import { fileIdOfUri, fileUnavailable, isExpired } from './file-references.ts';
import { MEDIA_PART_TOKENS, estimateTextTokens, type DocumentContent, type DocumentLookup } from './model/index.ts';
import { readPdf, PDF_TEXT_CHARS, UnreadablePdfError } from './pdf-text.ts';
import { field, isJsonObject, type JsonObject } from './proto-json.ts';
import { tally } from './stats.ts';

/** Inline data a request may carry, base64 as sent (ai.google.dev: "Inline base64 only works under 20 MB"). */
export const INLINE_REQUEST_LIMIT_BYTES = 20 * 1024 * 1024;

/** Tokens per PDF page (ai.google.dev document-processing: "Each document page is equivalent to 258 tokens"). */
export const TOKENS_PER_PDF_PAGE = 258;

/** Contents kept in the cache; each holds at most {@link PDF_TEXT_CHARS} characters of text. */
const CACHED_CONTENTS = 256;

/** A failed line: status code, message, and the reason it is tallied under in the stats. */
interface PartFailure {
  code: number;
  message: string;
  reason: string;
}

class PartError extends Error {
  readonly failure: PartFailure;
  constructor(failure: PartFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** The look-up for the model, or the error that fails the line. */
export type DocumentsRead = { documents: DocumentLookup } | { error: { code: number; message: string } };

/** Reads the media parts of requests for one emulator instance. */
export interface DocumentReader {
  read(request: JsonObject): Promise<DocumentsRead>;
}

interface MediaReference {
  kind: 'inline' | 'file';
  /** The base64 data or the file URI: the model's `part.source`. */
  source: string;
  mimeType: string;
  where: string;
}

const NO_DOCUMENTS: DocumentsRead = { documents: () => undefined };

/** Standard or URL-safe base64, padded or not (proto-JSON accepts both alphabets). */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const IMAGE_SIGNATURES: Readonly<Record<string, (bytes: Uint8Array) => boolean>> = {
  'image/png': (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP',
};

/** Text the model may read as text (Gemini reads these as plain text: ai.google.dev document-processing). */
function isTextType(mimeType: string): boolean {
  return mimeType.startsWith('text/') || mimeType === 'application/json';
}

/** The media parts of a raw request, both spellings, in prompt order; shapes the model rejects are skipped. */
function mediaReferences(request: JsonObject): MediaReference[] {
  const references: MediaReference[] = [];
  const addParts = (turn: unknown, where: string): void => {
    const parts = isJsonObject(turn) ? field(turn, 'parts') : undefined;
    if (!Array.isArray(parts)) return;
    parts.forEach((part: unknown, index) => {
      if (!isJsonObject(part)) return;
      const inline = field(part, 'inlineData');
      const file = field(part, 'fileData');
      if (isJsonObject(inline)) {
        const data = field(inline, 'data');
        const mimeType = field(inline, 'mimeType');
        if (typeof data !== 'string' || typeof mimeType !== 'string') return;
        references.push({ kind: 'inline', source: data, mimeType, where: `${where}.parts[${index}].inline_data` });
      } else if (isJsonObject(file)) {
        const uri = field(file, 'fileUri');
        const mimeType = field(file, 'mimeType');
        if (typeof uri !== 'string') return;
        references.push({ kind: 'file', source: uri, mimeType: typeof mimeType === 'string' ? mimeType : '', where: `${where}.parts[${index}].file_data` });
      }
    });
  };
  const contents = field(request, 'contents');
  if (Array.isArray(contents)) contents.forEach((turn: unknown, index) => addParts(turn, `contents[${index}]`));
  addParts(field(request, 'systemInstruction'), 'systemInstruction');
  return references;
}

function failure(code: number, message: string, reason: string): PartError {
  return new PartError({ code, message, reason });
}

/** What `bytes` of `mimeType` give the model; undefined for kinds it does not read (audio, video...). */
async function contentOf(bytes: Uint8Array, mimeType: string): Promise<DocumentContent | undefined> {
  if (mimeType === 'application/pdf') {
    try {
      const pdf = await readPdf(bytes);
      return { text: pdf.text, tokens: pdf.pages * TOKENS_PER_PDF_PAGE };
    } catch (error) {
      if (!(error instanceof UnreadablePdfError)) throw error;
      // Google's answer to a PDF it cannot open, as users report it; the exact wording for each kind of damage is unsourced.
      throw failure(400, 'The document has no pages.', 'unreadable-document');
    }
  }
  const signature = IMAGE_SIGNATURES[mimeType];
  if (signature !== undefined || mimeType.startsWith('image/')) {
    if (signature !== undefined && !signature(bytes)) {
      throw failure(400, 'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', 'unreadable-image');
    }
    // An image answers from its metadata only: no text is mined. 258 tokens is what Gemini counts for an image
    // of at most 384 px on both sides (ai.google.dev token counting); larger images are tiled, not simulated here.
    return { text: '', tokens: MEDIA_PART_TOKENS };
  }
  if (isTextType(mimeType)) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return { text: text.slice(0, PDF_TEXT_CHARS), tokens: estimateTextTokens(text) };
  }
  return undefined;
}

const readers = new WeakMap<EmulatorState, DocumentReader>();

/** The reader of one emulator instance, shared by batch lines and interactive calls (one cache per instance). */
export function documentReaderOf(state: EmulatorState): DocumentReader {
  let reader = readers.get(state);
  if (reader === undefined) {
    reader = createDocumentReader(state);
    readers.set(state, reader);
  }
  return reader;
}

function createDocumentReader(state: EmulatorState): DocumentReader {
  const cache = new Map<string, Promise<DocumentContent | undefined>>();

  function cached(key: string, read: () => Promise<DocumentContent | undefined>): Promise<DocumentContent | undefined> {
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (cache.size >= CACHED_CONTENTS) cache.delete(cache.keys().next().value as string);
    state.counters.documentsRead++;
    const reading = read();
    cache.set(key, reading);
    // A failed read is not kept: a file that vanished while it was read is not remembered as gone.
    reading.catch(() => cache.delete(key));
    return reading;
  }

  async function inlineContent(reference: MediaReference): Promise<DocumentContent | undefined> {
    const data = reference.source;
    if (!BASE64.test(data) || data.replace(/=+$/, '').length % 4 === 1) {
      // proto-JSON's message for a bytes field that is not base64.
      throw failure(400, `Invalid value at '${reference.where}.data' (TYPE_BYTES), Base64 decoding failed for "${data.slice(0, 40)}${data.length > 40 ? '…' : ''}"`, 'invalid-base64');
    }
    const bytes = Buffer.from(data, 'base64');
    const key = `${reference.mimeType}:${createHash('sha256').update(bytes).digest('hex')}`;
    return cached(key, () => contentOf(bytes, reference.mimeType));
  }

  async function fileContent(reference: MediaReference): Promise<DocumentContent | undefined> {
    const id = fileIdOfUri(reference.source);
    if (id === undefined) {
      throw failure(400, `${reference.where}.file_uri: the emulator reads only Files API files (files/<id> or their uri), got "${reference.source}"`, 'unsupported-file-uri');
    }
    const record = state.files.get(id);
    if (record === undefined || isExpired(record, state.options.clock.now())) {
      const { code, message } = fileUnavailable(id);
      throw failure(code, message, 'file-unavailable');
    }
    const mimeType = reference.mimeType === '' ? record.mimeType : reference.mimeType;
    return cached(`${mimeType}:${record.sha256Hex}`, async () => {
      // The whole file in memory: PDF.js needs it so (see pdf-text.ts).
      const bytes = await readFile(record.path).catch(() => {
        const { code, message } = fileUnavailable(id);
        throw failure(code, message, 'file-unavailable');
      });
      return contentOf(bytes, mimeType);
    });
  }

  return {
    async read(request) {
      const references = mediaReferences(request);
      if (references.length === 0) return NO_DOCUMENTS;
      try {
        let inlineBytes = 0;
        for (const reference of references) if (reference.kind === 'inline') inlineBytes += reference.source.length;
        if (inlineBytes > INLINE_REQUEST_LIMIT_BYTES) {
          // Google's wording for an oversized request (issue google-gemini/deprecated-generative-ai-android#26).
          throw failure(400, `Request payload size exceeds the limit: ${INLINE_REQUEST_LIMIT_BYTES} bytes.`, 'inline-too-large');
        }
        const contents = new Map<string, DocumentContent>();
        for (const reference of references) {
          const content = await (reference.kind === 'inline' ? inlineContent(reference) : fileContent(reference));
          if (content !== undefined) contents.set(reference.source, content);
        }
        return { documents: (part) => contents.get(part.source) };
      } catch (error) {
        if (!(error instanceof PartError)) throw error;
        tally(state.tallies.lineFailuresByReason, error.failure.reason);
        return { error: { code: error.failure.code, message: error.failure.message } };
      }
    },
  };
}
