import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { PDF_TEXT_CHARS, readPdf, UnreadablePdfError } from './pdf-text.ts';

/** A PDF with one page per entry, each line of the entry drawn on its own row. */
async function pdfOf(pages: readonly string[]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = document.addPage();
    text.split('\n').forEach((line, row) => page.drawText(line, { x: 40, y: 760 - row * 12, size: 8, font }));
  }
  return document.save();
}

describe('readPdf', () => {
  it('reads the page count and the pages’ text in order', async () => {
    const pdf = await readPdf(await pdfOf(['First page.', 'Second page.']));
    expect(pdf).toEqual({ pages: 2, text: 'First page.\n\nSecond page.' });
  });

  it('keeps at most PDF_TEXT_CHARS characters of text and still counts every page', async () => {
    const page = Array.from({ length: 40 }, (_, row) => `Row ${row} of a long page about soil potassium.`).join('\n');
    const pages = Array.from({ length: 60 }, () => page);
    const pdf = await readPdf(await pdfOf(pages));
    expect(pdf.pages).toBe(60);
    expect(pdf.text.length).toBe(PDF_TEXT_CHARS);
  });

  it('refuses bytes that are no PDF and a truncated PDF', async () => {
    const whole = await pdfOf(['Cut short.']);
    for (const bytes of [new TextEncoder().encode('PK\u0003\u0004 zip'), whole.subarray(0, 200), whole.subarray(0, whole.length / 2)]) {
      await expect(readPdf(bytes)).rejects.toBeInstanceOf(UnreadablePdfError);
    }
  });
});
