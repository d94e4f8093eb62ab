/**
 * @module What truebatch checks of a PDF before paying for it: the structure it can see in the file's last bytes
 * (truncated, encrypted) and the page count, read with unpdf (pdf.js). Limits are Gemini's document limits, which are
 * the strictest of the providers truebatch knows [spec D.3: 1,000 pages; 2 GB per file through the Files API].
 */
import { realpath } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
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

/** Bytes pdf.js reads at a time: one range read of the file per chunk it needs (pdf.js's default size). */
const PDF_RANGE_CHUNK_BYTES = 64 * 1024;

/**
 * Counts the pages of the PDF at `filePath` with pdf.js, and frees its document. Never throws: a PDF pdf.js cannot
 * open is a reason. Memory stays flat whatever the file's size: pdf.js reads only the chunks it needs (trailer,
 * cross-reference table, catalog, page tree), each a range read of the file, never its page contents.
 */
export async function countPdfPages(filePath: string): Promise<PdfPages> {
  let url: URL;
  try {
    // The real path: pdf.js sizes the file with lstat, which would give a symlink's own size.
    url = pathToFileURL(await realpath(filePath));
  } catch (error) {
    return { ok: false, reason: `could not read the file: ${errorMessage(error)}` };
  }
  const { getDocumentProxy } = await import('unpdf');
  let pages: number;
  try {
    // A file: URL makes pdf.js read through its own Node file stream, which asks for byte ranges (fs.createReadStream
    // with start and end) once the file is over two chunks. Not the `range` transport (PDFDataRangeTransport): the
    // pdf.js that unpdf 1.7 bundles looks its range readers up with iterator helpers (`Set#keys().find`), which
    // Node 20 lacks, so the first chunk it is handed throws.
    const document = await getDocumentProxy(undefined, {
      url,
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: PDF_RANGE_CHUNK_BYTES,
      verbosity: 0,
      isEvalSupported: false,
    });
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
