/** @module What scanning a corpus yields: documents, and files left out with the reason why. */

/**
 * What a document is: text read as JSON, Markdown, HTML or plain text (its text goes into the prompt), or a PDF or
 * page image (its bytes travel beside the prompt).
 */
export type DocumentFormat = 'json' | 'markdown' | 'html' | 'text' | 'pdf' | 'image';

/** One input document, read and checked. */
export interface Document {
  /** The file stem, or the string value of the stage's `idField`. Unique within a scan. */
  id: string;
  /** Relative to the input folder, with `/` separators. */
  path: string;
  absolutePath: string;
  format: DocumentFormat;
  /** e.g. `application/pdf`, `image/png`, `text/markdown`. */
  mimeType: string;
  /** A PDF's page count, once inspected (see inspect-document.ts). */
  pages?: number;
  /** The JSON object, `{ text }` for Markdown, HTML and text files, `{}` for PDFs and images. */
  fields: Record<string, unknown>;
  /** The file's text, byte-order mark stripped; empty for PDFs and images. */
  text: string;
  /** SHA-256 hex of the raw bytes. */
  contentHash: string;
  sizeBytes: number;
}

/** One file (or skipped folder) met while scanning, in scan order. */
export type CorpusEntry =
  | { kind: 'document'; document: Document }
  /** Left out on purpose: an exclude pattern, not included, or a symlink not followed. */
  | { kind: 'excluded'; path: string; reason: string }
  /** Meant to be a document but cannot be one: the reason says what is wrong and where. */
  | { kind: 'invalid'; path: string; reason: string };
