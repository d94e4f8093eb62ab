/**
 * @module Real PDFs and images for tests, written with pdf-lib: good ones with text pages, and the bad kinds a
 * researcher's folder holds (encrypted, truncated, no pages, a Word file renamed `.pdf`).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { crc32 } from 'node:zlib';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';

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

/**
 * A PDF locked with a user password, as far as a reader can tell: its trailer names a standard security handler
 * (PDF 1.7 §7.6.3, revision 2) whose /U entry does not match the empty password, so pdf.js asks for a password before
 * it reads anything. Its content is not actually encrypted (pdf-lib cannot encrypt); no reader gets that far.
 */
export async function encryptedPdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]);
  const { context } = document;
  const hex = (byte: string, count: number): PDFHexString => PDFHexString.of(byte.repeat(count));
  context.trailerInfo.Encrypt = context.register(context.obj({ Filter: 'Standard', V: 1, R: 2, O: hex('4f', 32), U: hex('55', 32), P: -44 }));
  context.trailerInfo.ID = context.obj([hex('1d', 16), hex('1d', 16)]);
  return Buffer.from(await document.save({ useObjectStreams: false }));
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

/**
 * Writes a valid PDF of about `bytes` bytes straight to disk (so a 150 MB one costs no memory): catalog, page tree,
 * `pages` pages, one font, and per page a long uncompressed content stream of text-drawing operators right after the
 * page's dictionary. Returns its size.
 */
export async function writeLargePdf(path: string, { bytes, pages }: { bytes: number; pages: number }): Promise<number> {
  const out = createWriteStream(path);
  let offset = 0;
  const offsets: number[] = [];
  const write = async (text: string): Promise<void> => {
    offset += Buffer.byteLength(text, 'latin1');
    if (!out.write(text, 'latin1')) await once(out, 'drain');
  };
  const object = async (id: number, body: string): Promise<void> => {
    offsets[id] = offset;
    await write(`${id} 0 obj\n${body}\nendobj\n`);
  };
  await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  await object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  await object(2, `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  await object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const line = 'BT /F1 9 Tf 40 800 Td (Exchangeable potassium rose by 14 mg/kg after 120 kg K2O/ha in the loam.) Tj ET\n';
  const linesPerPage = Math.ceil(bytes / pages / line.length);
  for (let page = 0; page < pages; page++) {
    const pageId = 4 + page * 2;
    await object(pageId, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageId + 1} 0 R >>`);
    offsets[pageId + 1] = offset;
    await write(`${pageId + 1} 0 obj\n<< /Length ${linesPerPage * line.length} >>\nstream\n`);
    for (let i = 0; i < linesPerPage; i++) await write(line);
    await write('\nendstream\nendobj\n');
  }
  const xref = offset;
  const count = 4 + pages * 2;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let id = 1; id < count; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  await write(`${table}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, 'finish');
  return offset;
}
