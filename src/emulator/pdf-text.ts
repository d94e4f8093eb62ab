/**
 * @module Reads a PDF's page count and the start of its text with unpdf (PDF.js), for the simulated model. PDF.js
 * needs the whole file in memory (a 150 MB PDF costs 150 MB while it is read; acceptable in the emulator), but only
 * the pages needed for {@link PDF_TEXT_CHARS} of text are read, so the kept text and the time stay bounded.
 */
import { getDocumentProxy } from 'unpdf';

/** Text kept per PDF: the model mines only the start of a prompt (text-mining.ts reads 20,000 characters). */
export const PDF_TEXT_CHARS = 64_000;

/** What the simulated model knows of a PDF. */
export interface PdfContent {
  pages: number;
  /** The text of the first pages, at most {@link PDF_TEXT_CHARS} characters, pages separated by blank lines. */
  text: string;
}

/** A PDF PDF.js cannot open, or one with no pages. */
export class UnreadablePdfError extends Error {}

/** Page count and leading text of `bytes`; throws {@link UnreadablePdfError} when it is not a readable PDF. */
export async function readPdf(bytes: Uint8Array): Promise<PdfContent> {
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given: a copy keeps the caller's bytes usable.
    document = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw new UnreadablePdfError(error instanceof Error ? error.message : String(error));
  }
  try {
    const pages = document.numPages;
    if (pages < 1) throw new UnreadablePdfError('no pages');
    const texts: string[] = [];
    let chars = 0;
    for (let number = 1; number <= pages && chars < PDF_TEXT_CHARS; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      page.cleanup();
      texts.push(text.trim());
      chars += text.length;
    }
    return { pages, text: texts.filter((text) => text !== '').join('\n\n').slice(0, PDF_TEXT_CHARS) };
  } catch (error) {
    if (error instanceof UnreadablePdfError) throw error;
    throw new UnreadablePdfError(error instanceof Error ? error.message : String(error));
  } finally {
    await document.destroy();
  }
}
