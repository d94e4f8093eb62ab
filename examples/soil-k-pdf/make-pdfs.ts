/**
 * Writes examples/soil-k-pdf/papers/*.pdf: eight of the soil-k papers typeset as small real PDFs (title page with the
 * abstract, then methods, results and conclusions), so the example reads PDFs as a research group's folder holds
 * them. Run it again after changing the papers:
 *
 *     npx tsx examples/soil-k-pdf/make-pdfs.ts
 *
 * The PDFs are deterministic (fixed dates), so running it again changes nothing.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

const here = fileURLToPath(new URL('.', import.meta.url));
const sourceDir = join(here, '..', 'soil-k', 'papers');
const outputDir = join(here, 'papers');
const PAPERS = 8;
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');

interface Paper {
  title: string;
  authors: string[];
  year: number;
  journal: string;
  abstract: string;
  methods: string;
  results: string;
  conclusions: string;
  keywords?: string[];
}

/** `text` cut into lines no wider than `width` points. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) > width && line !== '') {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The standard fonts encode WinAnsi only: characters outside it become their closest ASCII. */
function winAnsi(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[‐-―]/g, '-').replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

async function typeset(paper: Paper): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(paper.title);
  pdf.setAuthor(paper.authors.join(', '));
  pdf.setCreationDate(FIXED_DATE);
  pdf.setModificationDate(FIXED_DATE);
  pdf.setProducer('truebatch examples/soil-k-pdf/make-pdfs.ts');
  pdf.setCreator('pdf-lib');
  const regular = await pdf.embedFont(StandardFonts.TimesRoman);
  const bold = await pdf.embedFont(StandardFonts.TimesRomanBold);
  let page: PDFPage = pdf.addPage([595, 842]);
  let y = 780;
  const write = (text: string, font: PDFFont, size: number): void => {
    for (const line of wrap(winAnsi(text), font, size, 495)) {
      if (y < 60) {
        page = pdf.addPage([595, 842]);
        y = 780;
      }
      page.drawText(line, { x: 50, y, size, font });
      y -= size * 1.4;
    }
    y -= size * 0.6;
  };
  write(paper.title, bold, 15);
  write(paper.authors.join(', '), regular, 11);
  write(`${paper.journal} (${paper.year})`, regular, 11);
  write('Abstract', bold, 12);
  write(paper.abstract, regular, 11);
  if (paper.keywords) write(`Keywords: ${paper.keywords.join('; ')}`, regular, 10);
  // Methods start a page of their own, so every paper is at least two pages.
  page = pdf.addPage([595, 842]);
  y = 780;
  for (const [heading, text] of [['Methods', paper.methods], ['Results', paper.results], ['Conclusions', paper.conclusions]] as const) {
    write(heading, bold, 12);
    write(text, regular, 11);
  }
  return pdf.save({ useObjectStreams: false });
}

mkdirSync(outputDir, { recursive: true });
const names = readdirSync(sourceDir).filter((name) => name.endsWith('.json') && name !== 'complete_dataset.json').sort().slice(0, PAPERS);
for (const name of names) {
  const paper = JSON.parse(readFileSync(join(sourceDir, name), 'utf8')) as Paper;
  const bytes = await typeset(paper);
  writeFileSync(join(outputDir, name.replace(/\.json$/, '.pdf')), bytes);
  console.log(`${name.replace(/\.json$/, '.pdf')}: ${bytes.length} bytes`);
}
