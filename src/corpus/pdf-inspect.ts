/**
 * @module What truebatch checks of a PDF before paying for it: the structure it can see in the file's last bytes
 * (truncated, encrypted) and the page count, read with unpdf (pdf.js). Limits are Gemini's document limits, which are
 * the strictest of the providers truebatch knows [spec D.3: 1,000 pages; 2 GB per file through the Files API].
 */
import { errorMessage } from '../shared/index.ts';

/** Pages a model reads of one PDF at most [spec D.3]. */
export const MAX_PDF_PAGES = 1000;
/** Bytes of one document at most (the Files API's limit per file) [spec D.3]. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 ** 3;
/** Bytes read from a PDF's end to look for its trailer. */
export const PDF_TAIL_BYTES = 64 * 1024;

/**
 * Why a PDF cannot be sent, judging by its last bytes (latin1), or undefined. A PDF ends with `%%EOF` after its
 * cross-reference section (PDF 1.7 §7.5.5); an encrypted one names an `/Encrypt` dictionary in its trailer.
 */
export function pdfTailProblem(tail: string): string | undefined {
  if (!tail.slice(-1024).includes('%%EOF')) return 'truncated PDF (no %%EOF marker at its end): download or export it again';
  if (/\/Encrypt\s/.test(tail)) return 'encrypted PDF: decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`)';
  return undefined;
}

/** The page count of a PDF, or why it cannot be sent (unreadable, no pages, over the limit). */
export type PdfPages = { ok: true; pages: number } | { ok: false; reason: string };

/**
 * Counts the pages of `bytes` (a whole PDF, which must not be used afterwards) with pdf.js, and frees its document. Never throws: a PDF pdf.js cannot
 * open is a reason. Work is bounded by the file: pdf.js reads the cross-reference table and page tree, not the pages.
 */
export async function countPdfPages(bytes: Uint8Array): Promise<PdfPages> {
  const { getDocumentProxy } = await import('unpdf');
  let pages: number;
  try {
    // pdf.js may detach the buffer it is given: a buffer of its own is handed over as it is (a large PDF is not held
    // twice), a slice of a shared one (Node's pool) is copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const data = own ? new Uint8Array(bytes.buffer, 0, bytes.byteLength) : new Uint8Array(bytes);
    const document = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false });
    pages = document.numPages;
    await document.destroy();
  } catch (error) {
    const message = errorMessage(error);
    if (/password/i.test(message)) return { ok: false, reason: 'encrypted PDF: decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`)' };
    return { ok: false, reason: `unreadable PDF (${message}): export or download it again` };
  }
  if (pages === 0) {
    return { ok: false, reason: 'PDF with zero pages: nothing to read' };
  }
  if (pages > MAX_PDF_PAGES) {
    return { ok: false, reason: `PDF of ${pages} pages, over the model's limit of ${MAX_PDF_PAGES}: split it into parts of at most ${MAX_PDF_PAGES} pages` };
  }
  return { ok: true, pages };
}
