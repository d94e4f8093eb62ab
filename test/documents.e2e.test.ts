/**
 * End to end (issue #17): a folder of PDFs, Markdown, JSON and page images runs through two stages on an emulator
 * over real HTTP, each PDF uploaded once and reused by both stages and a retry; bad files are named with their
 * reason and the exit code says documents were refused.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it, vi } from 'vitest';
import { runCli, startCli } from './support/cli.ts';
import { docxBytes, encryptedPdf, makePdf, pngBytes, truncatedPdf, zeroPagePdf } from './support/documents.ts';
import { TEST_API_KEY, emulatorPerTest } from './support/emulator.ts';
import { outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ jobDurationMs: 150 });

const SCHEMA = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };

/** A project whose `docs` folder holds `files`, with two stages reading it (uploads forced for the first). */
function documentProject(files: Record<string, Buffer | string>, secondStage = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-documents-'));
  mkdirSync(join(dir, 'docs'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, 'docs', name), bytes);
  writeFileSync(join(dir, 'prompt.md'), 'Summarise this document as JSON.\n\n{{document}}\n');
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA));
  const stage = (name: string, documents: string): string[] => [
    `  - name: ${name}`,
    '    input: { dir: docs }',
    '    prompt: { file: prompt.md }',
    '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }',
    `    documents: ${documents}`,
  ];
  writeFileSync(
    join(dir, 'truebatch.config.yaml'),
    [
      'provider: gemini',
      'model: gemini-2.5-flash',
      'polling: { initialIntervalMs: 50, maxIntervalMs: 200 }',
      'stages:',
      ...stage('read', '{ travel: file }'),
      // Small documents inline, larger ones uploaded: the PDFs here are over 1 KB, the image under it.
      ...(secondStage ? stage('again', '{ inlineMaxBytes: 1024 }') : []),
      '',
    ].join('\n'),
  );
  return dir;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('documents of every kind (end to end)', () => {
  it('runs PDFs, Markdown, JSON and PNGs to one valid output each; each PDF uploaded once across two stages and a retry', async () => {
    const pdfs = {
      'paper-a.pdf': await makePdf(['Potassium fertiliser raised maize yield by 1.2 t/ha.', 'Exchangeable K rose 14 mg/kg.']),
      'paper-b.pdf': await makePdf(['Banana leaf K fell below 2.8% without potash.']),
    };
    const project = documentProject({
      ...pdfs,
      'notes.md': '# Field notes\n\nK deficiency showed as leaf-edge scorch.\n',
      'trial.json': JSON.stringify({ title: 'K trial', text: 'Yields rose with K.' }),
      'scan.png': pngBytes(),
    });
    // Every first answer is cut short, so every request is retried once (a second job per stage).
    const { server, env } = await emulator({ faults: { lines: { malformedRate: 1, malformedKinds: ['truncated'], maxSubmissionsPerKey: 1 } } });

    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(0);
    const result = await runCli(['run', '--project', project], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);

    for (const stage of ['read', 'again']) expect(outputFiles(join(project, 'outputs', stage))).toHaveLength(5);
    const retried = queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM attempts WHERE attempt_no = 2')[0]?.n;
    expect(retried).toBe(10);

    const stats = server.stats();
    for (const bytes of Object.values(pdfs)) expect(stats.uploadsBySha256[sha256(bytes)]).toBe(1);
    // Stage `read` uploads the image too; stage `again` sends it inline.
    expect(stats.uploadsBySha256[sha256(pngBytes())]).toBe(1);
    expect(stats.lineFailuresByReason).toEqual({});
    // Nothing left behind: every upload deleted once no request needs it (and every job's input file).
    expect(stats.liveFiles).toBe(0);
    const uploads = queryLedger<{ state: string; n: number }>(project, 'SELECT state, COUNT(*) AS n FROM uploads GROUP BY state');
    expect(uploads).toEqual([{ state: 'deleted', n: 3 }]);
  });

  it('names each bad file with its reason in plan, run and status, and exits 7', async () => {
    const project = documentProject({
      'locked.pdf': await encryptedPdf(),
      'cut.pdf': await truncatedPdf(),
      'empty.pdf': await zeroPagePdf(),
      'word.pdf': docxBytes(),
      'good.md': '# Good\n\nK matters.\n',
    });
    const { env } = await emulator();
    const expected: [string, string][] = [
      ['locked.pdf', 'encrypted PDF: decrypt it first'],
      ['cut.pdf', 'truncated PDF'],
      ['empty.pdf', 'PDF with zero pages'],
      ['word.pdf', 'named .pdf but a DOCX or other ZIP archive, which Gemini does not read: export it to PDF'],
    ];
    for (const command of ['plan', 'run', 'status']) {
      const result = await runCli([command, '--project', project], env);
      expect(result.stderr).not.toContain('unexpected error');
      if (command !== 'status') expect(result.code).toBe(7);
      const text = result.stdout + result.stderr;
      for (const [path, reason] of expected) expect(text).toMatch(new RegExp(`${path}[^\\n]*${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    expect(outputFiles(join(project, 'outputs', 'read'))).toHaveLength(1);
  });

  it('a file deleted behind truebatch\'s back fails only its lines, which are resubmitted with a fresh upload', async () => {
    const pdfs = { 'gone.pdf': await makePdf(['Potassium fixation in illite clays.']), 'kept.pdf': await makePdf(['Potash on sugar beet.']) };
    const project = documentProject({ ...pdfs, 'notes.md': '# Notes\n\nSandy soils leach K.\n' }, false);
    const { server, env } = await emulator({ jobDurationMs: 2000 });
    const ai = new GoogleGenAI({ apiKey: TEST_API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: server.url } });
    const run = startCli(['run', '--project', project], env);
    // Once the job is created, one of its PDFs is deleted before the job reaches its lines.
    await vi.waitFor(() => expect(server.stats().batchesCreated).toBe(1), { timeout: 30_000, interval: 50 });
    const files = [];
    for await (const file of await ai.files.list()) files.push(file);
    const gone = files.find((file) => file.displayName?.includes(sha256(pdfs['gone.pdf'])) === true);
    expect(gone?.name).toBeDefined();
    await ai.files.delete({ name: gone?.name ?? '' });

    const result = await run.done;
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'read'))).toHaveLength(3);
    const stats = server.stats();
    expect(stats.lineFailuresByReason).toEqual({ 'file-unavailable': 1 });
    expect(stats.uploadsBySha256[sha256(pdfs['gone.pdf'])]).toBe(2);
    expect(stats.uploadsBySha256[sha256(pdfs['kept.pdf'])]).toBe(1);
    // Only the line of the deleted file was retried.
    const retried = queryLedger<{ key: string }>(project, 'SELECT r.key FROM attempts a JOIN requests r ON r.id = a.request_id WHERE a.attempt_no = 2');
    expect(retried).toEqual([{ key: 'gone_read' }]);
    expect(queryLedger<{ state: string }>(project, 'SELECT state FROM uploads ORDER BY id').map((row) => row.state)).toEqual(['dead', 'deleted', 'deleted']);
    // Lineage names the uploaded file each attempt's line referenced: the deleted one, then the fresh upload.
    const lineage = await runCli(['lineage', 'gone_read', '--project', project], env);
    const [first, second] = queryLedger<{ remote_name: string }>(project, 'SELECT remote_name FROM uploads WHERE content_hash = ? ORDER BY id', sha256(pdfs['gone.pdf']));
    expect(lineage.stdout).toMatch(new RegExp(`attempt 1: failed in .*document ${first?.remote_name ?? '?'}\\)`));
    expect(lineage.stdout).toMatch(new RegExp(`attempt 2: valid in .*document ${second?.remote_name ?? '?'}\\)`));
  });

  it('a crash between an upload and its record leaves no orphan: the next run adopts the file', async () => {
    const pdfs = { 'a.pdf': await makePdf(['Potassium in loess.']), 'b.pdf': await makePdf(['Potassium in peat.']) };
    const project = documentProject(pdfs, false);
    const { server, env } = await emulator();
    const killed = await runCli(['run', '--project', project], { ...env, TRUEBATCH_FAILPOINT: 'after-document-upload' });
    expect(killed.signal).toBe('SIGKILL');
    expect(server.stats().filesUploaded).toBe(1);
    expect(queryLedger<{ state: string }>(project, 'SELECT state FROM uploads')).toEqual([{ state: 'intent' }]);

    const result = await runCli(['run', '--project', project], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'read'))).toHaveLength(2);
    const stats = server.stats();
    for (const bytes of Object.values(pdfs)) expect(stats.uploadsBySha256[sha256(bytes)]).toBe(1);
    // Uploads minus deletes equals live references: none once every job is collected.
    expect(stats.liveFiles).toBe(0);
    expect(queryLedger<{ state: string }>(project, 'SELECT DISTINCT state FROM uploads')).toEqual([{ state: 'deleted' }]);
  });

  it('with the file quota too small for every document at once, the run never exceeds it and still finishes', async () => {
    const page = 'Potassium release from feldspar under maize. '.repeat(8);
    const pdfs = { 'one.pdf': await makePdf(Array.from({ length: 30 }, () => page)), 'two.pdf': await makePdf(Array.from({ length: 31 }, () => page)) };
    const largest = Math.max(...Object.values(pdfs).map((bytes) => bytes.length));
    const project = documentProject(pdfs, false);
    // Room for one PDF and a job's small input and result files, not for both PDFs.
    const { server, env } = await emulator({ fileQuotaBytes: Math.floor(largest * 1.5) });
    expect(pdfs['one.pdf'].length + pdfs['two.pdf'].length).toBeGreaterThan(largest * 1.5);

    const result = await runCli(['run', '--project', project], env);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'read'))).toHaveLength(2);
    const stats = server.stats();
    expect(stats.uploadsRejected).toBeGreaterThanOrEqual(1);
    for (const bytes of Object.values(pdfs)) expect(stats.uploadsBySha256[sha256(bytes)]).toBe(1);
    expect(queryLedger<{ n: number }>(project, 'SELECT COUNT(*) AS n FROM jobs')[0]?.n).toBe(2);
    expect(stats.liveFiles).toBe(0);
  });
});
