/**
 * Issue #17's large-document check: writes a PDF of about `--mb` MB (default 150: a few pages whose content streams
 * are long runs of text-drawing operators, written straight to disk, so the bench itself stays small), runs
 * `truebatch run` on it as a child process against an emulator in this process (the PDF travels as an uploaded file),
 * and prints the CLI's peak RSS (VmHWM) and wall time. Not part of `npm run bench`: run it by hand.
 *
 *     npx tsx bench/large-pdf.ts [--mb 150]
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { startEmulator } from '../src/emulator/index.ts';
import { runSampled } from './process-sampler.ts';
import { createCleanup } from './cleanup.ts';

const mbFlag = process.argv.indexOf('--mb');
const targetBytes = Number(mbFlag >= 0 ? process.argv[mbFlag + 1] : 150) * 1024 * 1024;
const PAGES = 4;

/** Writes a valid PDF of about `bytes` bytes: catalog, page tree, PAGES pages, one font and one content stream each. */
async function writeLargePdf(path: string, bytes: number): Promise<number> {
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
  const kids = Array.from({ length: PAGES }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  await object(2, `<< /Type /Pages /Kids [${kids}] /Count ${PAGES} >>`);
  await object(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const line = 'BT /F1 9 Tf 40 800 Td (Exchangeable potassium rose by 14 mg/kg after 120 kg K2O/ha in the loam.) Tj ET\n';
  const perPage = Math.ceil(bytes / PAGES / line.length);
  for (let page = 0; page < PAGES; page++) {
    const pageId = 4 + page * 2;
    await object(pageId, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageId + 1} 0 R >>`);
    offsets[pageId + 1] = offset;
    await write(`${pageId + 1} 0 obj\n<< /Length ${perPage * line.length} >>\nstream\n`);
    for (let i = 0; i < perPage; i++) await write(line);
    await write('\nendstream\nendobj\n');
  }
  const xref = offset;
  const count = 4 + PAGES * 2;
  let table = `xref\n0 ${count}\n0000000000 65535 f \n`;
  for (let id = 1; id < count; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  await write(`${table}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, 'finish');
  return offset;
}

const cleanup = createCleanup();
const project = cleanup.tempDir('tb-large-pdf-');
mkdirSync(join(project, 'docs'));
const size = await writeLargePdf(join(project, 'docs', 'large.pdf'), targetBytes);
writeFileSync(join(project, 'prompt.md'), 'Summarise this paper as JSON with a `summary`.\n');
writeFileSync(
  join(project, 'truebatch.config.yaml'),
  [
    'provider: gemini',
    'model: gemini-2.5-flash',
    'polling: { initialIntervalMs: 250, maxIntervalMs: 1000 }',
    'stages:',
    '  - name: read',
    '    input: { dir: docs }',
    '    prompt: { file: prompt.md }',
    '    generationConfig: { responseMimeType: application/json }',
    '',
  ].join('\n'),
);
const emulator = await startEmulator({ apiKey: 'bench-key', jobDurationMs: 0 });
const env = { ...process.env, GEMINI_API_KEY: 'bench-key', GOOGLE_GEMINI_BASE_URL: emulator.url };
const run = await runSampled(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--project', project], { cwd: process.cwd(), env, timeoutMs: 600_000, logFile: join(project, 'cli.log') }, cleanup).done;
const stats = emulator.stats();
console.log(JSON.stringify({
  pdfBytes: size,
  exit: run.code,
  wallMs: Math.round(run.wallMs),
  peakRssMiB: Math.round(run.peakRssBytes / 1024 / 1024),
  cpuMs: run.cpuMs,
  bytesUploaded: stats.bytesUploaded,
  lineFailures: stats.lineFailuresByReason,
}));
await emulator.close();
await cleanup.removeDir(project);
