import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docxBytes, encryptedPdf, makePdf, pngBytes, truncatedPdf, writeLargePdf, zeroPagePdf } from '../../test/support/documents.ts';
import { sniffDocument } from './document-kind.ts';
import { inspectDocument } from './inspect-document.ts';
import { countPdfPages } from './pdf-inspect.ts';
import { readDocument } from './read-document.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tb-kinds-'));

async function read(name: string, bytes: Buffer | string) {
  writeFileSync(path.join(dir, name), bytes);
  const result = readDocument({ path: name, absolutePath: path.join(dir, name) }, undefined);
  return result.ok ? inspectDocument(result.document) : result;
}

describe('document kinds', () => {
  it('knows a file by its first bytes before its name', () => {
    expect(sniffDocument(Buffer.from('%PDF-1.7\n'), 'paper.txt')).toEqual({ ok: true, format: 'pdf', mimeType: 'application/pdf' });
    expect(sniffDocument(pngBytes(), 'scan')).toEqual({ ok: true, format: 'image', mimeType: 'image/png' });
    expect(sniffDocument(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'a.jpg')).toMatchObject({ mimeType: 'image/jpeg' });
    expect(sniffDocument(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), 'a.webp')).toMatchObject({ mimeType: 'image/webp' });
    expect(sniffDocument(Buffer.from('<html>'), 'page.HTML')).toEqual({ ok: true, format: 'html', mimeType: 'text/html' });
    expect(sniffDocument(Buffer.from('# Title'), 'notes.md')).toMatchObject({ format: 'markdown' });
    expect(sniffDocument(Buffer.from('plain'), 'fake.pdf')).toEqual({ ok: false, reason: 'named .pdf but not a PDF (no %PDF- header): check the file, or rename it' });
  });

  it('reads a PDF: its kind, size, hash and page count, without its text', async () => {
    const bytes = await makePdf(['one', 'two', 'three']);
    const result = await read('paper.pdf', bytes);
    expect(result).toMatchObject({ ok: true, document: { id: 'paper', format: 'pdf', mimeType: 'application/pdf', pages: 3, sizeBytes: bytes.length, text: '', fields: {} } });
  });

  it('reads a page image as an image', async () => {
    expect(await read('scan.png', pngBytes())).toMatchObject({ ok: true, document: { format: 'image', mimeType: 'image/png', sizeBytes: pngBytes().length } });
  });

  it('refuses each bad PDF with what to do', async () => {
    expect(await read('locked.pdf', await encryptedPdf())).toEqual({ ok: false, reason: expect.stringMatching(/^encrypted PDF: decrypt it first/) as unknown });
    expect(await read('cut.pdf', await truncatedPdf())).toEqual({ ok: false, reason: expect.stringMatching(/^truncated PDF/) as unknown });
    expect(await read('empty.pdf', await zeroPagePdf())).toEqual({ ok: false, reason: expect.stringMatching(/^PDF with zero pages: nothing to read \(PDF, \d+ bytes\)$/) as unknown });
    expect(await read('word.pdf', docxBytes())).toEqual({ ok: false, reason: 'named .pdf but a DOCX or other ZIP archive, which Gemini does not read: export it to PDF' });
    expect(await read('report.docx', docxBytes())).toEqual({ ok: false, reason: 'named .docx but a DOCX or other ZIP archive, which Gemini does not read: export it to PDF' });
  });

  it('refuses a truncated image', async () => {
    expect(await read('half.png', pngBytes().subarray(0, 30))).toEqual({
      ok: false,
      reason: 'truncated PNG image (no IEND chunk at its end): export or download it again (image/png, 30 bytes)',
    });
  });

  it('refuses a PDF over the page limit', async () => {
    writeFileSync(path.join(dir, 'long.pdf'), await makePdf(Array.from({ length: 1001 }, () => '')));
    const pages = await countPdfPages(path.join(dir, 'long.pdf'));
    expect(pages).toEqual({ ok: false, reason: 'PDF of 1001 pages, over the model\'s limit of 1000: split it into parts of at most 1000 pages' });
  });
});

/** Bytes this process has read through read syscalls so far (Linux). */
const bytesReadSoFar = (): number => Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);

describe('page counting reads only the bytes it needs', () => {
  it.skipIf(!existsSync('/proc/self/io'))('counts the pages of a 12 MB PDF reading a small part of it', async () => {
    const file = path.join(dir, 'large.pdf');
    const size = await writeLargePdf(file, { bytes: 12 * 1024 * 1024, pages: 6 });
    await countPdfPages(file); // loads pdf.js, so its module file is not counted below
    const before = bytesReadSoFar();
    expect(await countPdfPages(file)).toEqual({ ok: true, pages: 6 });
    // Trailer, cross-reference table, catalog and page tree: a few 64 KiB chunks, not the page contents.
    expect(bytesReadSoFar() - before).toBeLessThan(size / 10);
  });

  it('refuses an encrypted PDF through pdf.js itself, not only by its trailer', async () => {
    writeFileSync(path.join(dir, 'locked-direct.pdf'), await encryptedPdf());
    expect(await countPdfPages(path.join(dir, 'locked-direct.pdf'))).toEqual({ ok: false, reason: 'encrypted PDF: decrypt it first (e.g. `qpdf --decrypt in.pdf out.pdf`)' });
  });

  it('says a PDF that is gone could not be read', async () => {
    expect(await countPdfPages(path.join(dir, 'missing.pdf'))).toEqual({ ok: false, reason: expect.stringMatching(/^could not read the file: ENOENT/) as unknown });
  });
});
