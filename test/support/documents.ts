/**
 * @module Real PDFs and images for tests, written with pdf-lib: good ones with text pages, and the bad kinds a
 * researcher's folder holds (encrypted, truncated, no pages, a Word file renamed `.pdf`).
 */
import { crc32 } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF with one page per text (each text drawn line by line). */
export async function makePdf(pages: readonly string[], options: { useObjectStreams?: boolean } = {}): Promise<Buffer> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = document.addPage([595, 842]);
    text.split('\n').forEach((line, index) => page.drawText(line, { x: 50, y: 790 - index * 16, size: 11, font }));
  }
  return Buffer.from(await document.save({ useObjectStreams: options.useObjectStreams ?? true }));
}

/** A PDF whose page tree is empty. */
export async function zeroPagePdf(): Promise<Buffer> {
  return Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }));
}

/** A PDF whose trailer names an `/Encrypt` dictionary, as an encrypted PDF's does (pdf-lib cannot encrypt). */
export async function encryptedPdf(): Promise<Buffer> {
  const text = (await makePdf(['secret'], { useObjectStreams: false })).toString('latin1');
  return Buffer.from(text.replace(/trailer\s*<</, 'trailer\n<<\n/Encrypt 99 0 R'), 'latin1');
}

/** The first half of a good PDF, as an interrupted download leaves it. */
export async function truncatedPdf(): Promise<Buffer> {
  const whole = await makePdf(['cut short', 'page two']);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** The first bytes of a DOCX (a ZIP archive): a Word file renamed `.pdf`. */
export function docxBytes(): Buffer {
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from('[Content_Types].xml word/document.xml')]);
}

/** A 1×1 PNG. */
export function pngBytes(): Buffer {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
}

/** One PNG chunk: length, type, data and the CRC of type and data (PNG spec §5.3). */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A valid 1×1 PNG of about `sizeBytes`: {@link pngBytes} with a `tEXt` comment of filler text before `IEND` that
 * names `label` (so each such image is distinct). Big input for a test that should cost the simulated model nothing:
 * it reads only an image's header.
 */
export function largePng(sizeBytes: number, label: string): Buffer {
  const png = pngBytes();
  const iend = png.length - 12;
  const keyword = Buffer.from(`Comment\0${label} `, 'latin1');
  const filler = Buffer.alloc(Math.max(0, sizeBytes - png.length - 12 - keyword.length), 'potassium ', 'latin1');
  return Buffer.concat([png.subarray(0, iend), pngChunk('tEXt', Buffer.concat([keyword, filler])), png.subarray(iend)]);
}
