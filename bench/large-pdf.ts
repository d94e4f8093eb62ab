/**
 * Issue #17's large-document check: writes a PDF of about `--mb` MB (default 150: a few pages whose content streams
 * are long runs of text-drawing operators, written straight to disk, so the bench itself stays small), runs
 * `truebatch run` on it as a child process against an emulator in this process (the PDF travels as an uploaded file),
 * and prints the CLI's peak RSS (VmHWM) and wall time. Not part of `npm run bench`: run it by hand.
 *
 *     npx tsx bench/large-pdf.ts [--mb 150]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/index.ts';
import { runSampled } from './process-sampler.ts';
import { createCleanup } from './cleanup.ts';
import { writeLargePdf } from '../test/support/documents.ts';

const mbFlag = process.argv.indexOf('--mb');
const targetBytes = Number(mbFlag >= 0 ? process.argv[mbFlag + 1] : 150) * 1024 * 1024;
const PAGES = 4;

const cleanup = createCleanup();
const project = cleanup.tempDir('tb-large-pdf-');
mkdirSync(join(project, 'docs'));
const size = await writeLargePdf(join(project, 'docs', 'large.pdf'), { bytes: targetBytes, pages: PAGES });
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
