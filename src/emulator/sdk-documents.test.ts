import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, GoogleGenAI, type BatchJob, type File as GenAiFile, type InlinedRequest } from '@google/genai';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../shared/index.ts';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './index.ts';
import { makeTempDir, readJsonlFile, writeJsonl } from './test-support.ts';

const API_KEY = 'sdk-documents-test-key';
const HOUR = 3_600_000;
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'];
const PAPER_PAGES = [
  'Exchangeable potassium at the Rothamsted Broadbalk plots averaged 142 mg/kg in 2019.',
  'Plots without potash fertiliser fell to 61 mg/kg after forty years of cropping.',
];
const QUESTION = 'Report the soil potassium findings of this paper.';

const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function start(options: StartEmulatorOptions = {}): Promise<{ emulator: RunningEmulator; ai: GoogleGenAI; dir: string }> {
  const temp = makeTempDir();
  opened.push({ close: temp.remove });
  const emulator = await startEmulator({ apiKey: API_KEY, jobDurationMs: 0, pendingMs: 0, ...options });
  opened.push(emulator);
  const ai = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: emulator.url } });
  return { emulator, ai, dir: temp.dir };
}

/** A PDF written by pdf-lib, one page per text. */
async function writePdf(dir: string, name: string, pages: readonly string[]): Promise<string> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const text of pages) document.addPage().drawText(text, { x: 40, y: 700, size: 11, font });
  const path = join(dir, name);
  writeFileSync(path, await document.save());
  return path;
}

function documentLine(key: string, fileUri: string, mimeType = 'application/pdf'): string {
  const request = { contents: [{ role: 'user', parts: [{ text: QUESTION }, { fileData: { fileUri, mimeType } }] }] };
  return JSON.stringify({ key, request });
}

/** Runs `lines` as a file batch; `beforeRun` goes between create and the first poll. Results by key. */
async function runFileJob(
  ai: GoogleGenAI,
  dir: string,
  name: string,
  lines: readonly string[],
  beforeRun?: () => Promise<void> | void,
): Promise<Map<string, Record<string, unknown>>> {
  const input = await ai.files.upload({ file: writeJsonl(dir, `${name}.jsonl`, lines), config: { mimeType: 'jsonl' } });
  const created = await ai.batches.create({ model: 'gemini-2.5-flash', src: input.name! });
  await beforeRun?.();
  const done = await waitForEnd(ai, created.name!);
  expect(done.state).toBe('JOB_STATE_SUCCEEDED');
  const out = join(dir, `${name}.out.jsonl`);
  await ai.files.download({ file: done.dest!.fileName!, downloadPath: out });
  return new Map((await readJsonlFile(out)).map((line) => [line['key'] as string, line]));
}

async function waitForEnd(ai: GoogleGenAI, name: string): Promise<BatchJob> {
  let job = await ai.batches.get({ name });
  for (let attempt = 0; attempt < 1000 && !TERMINAL.includes(job.state ?? ''); attempt++) job = await ai.batches.get({ name });
  return job;
}

function answerText(line: Record<string, unknown> | undefined): string {
  const response = line?.['response'] as { candidates: { content: { parts: { text: string }[] } }[] } | undefined;
  return response?.candidates[0]?.content.parts.map((part) => part.text).join('') ?? '';
}

function promptTokens(line: Record<string, unknown> | undefined): number | undefined {
  return (line?.['response'] as { usageMetadata?: { promptTokenCount?: number } } | undefined)?.usageMetadata?.promptTokenCount;
}

async function uploadPdf(ai: GoogleGenAI, dir: string, name: string, pages: readonly string[] = PAPER_PAGES): Promise<GenAiFile> {
  return ai.files.upload({ file: await writePdf(dir, name, pages), config: { mimeType: 'application/pdf', displayName: name } });
}

describe('PDFs referenced by fileData, through the official SDK', () => {
  it('answers from the PDF text, charges 258 tokens a page, and parses one PDF once for many lines', async () => {
    const { emulator, ai, dir } = await start();
    const pdf = await uploadPdf(ai, dir, 'broadbalk.pdf');
    expect(pdf.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1beta\/files\/[a-z0-9]+$/);
    // Both spellings of the reference: the File's `uri` (as Google returns it) and its name.
    const lines = Array.from({ length: 30 }, (_, index) => documentLine(`doc-${index}`, index % 2 === 0 ? pdf.uri! : pdf.name!));
    const results = await runFileJob(ai, dir, 'pdf-job', lines);

    expect(results.size).toBe(30);
    const questionTokens = Math.ceil(Buffer.byteLength(QUESTION) / 4);
    for (const line of results.values()) {
      expect(answerText(line)).toContain('Rothamsted Broadbalk plots averaged 142 mg/kg');
      expect(promptTokens(line)).toBe(questionTokens + 2 * 258);
    }
    const stats = emulator.stats();
    expect(stats.documentsRead).toBe(1);
    expect(stats.uploadsByDisplayName['broadbalk.pdf']).toBe(1);
    expect(Object.values(stats.uploadsBySha256).every((count) => count === 1)).toBe(true);
    expect(stats.lineFailuresByReason).toEqual({});
  });

  it('fails only the lines whose file expired (48 h on the emulator clock) with Google’s 403, and the file vanishes', async () => {
    const clock: ManualClock = createManualClock();
    // The job starts 49 h after creation; it expires only after 100 h.
    const { emulator, ai, dir } = await start({ clock, pendingMs: 49 * HOUR, expiryMs: 100 * HOUR });
    const pdf = await uploadPdf(ai, dir, 'early.pdf');
    expect(Date.parse(pdf.expirationTime!) - Date.parse(pdf.createTime!)).toBe(48 * HOUR);
    const id = pdf.name!.slice('files/'.length);
    const plain = JSON.stringify({ key: 'plain', request: { contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] } });
    const results = await runFileJob(ai, dir, 'expired-job', [documentLine('late-pdf', pdf.uri!), plain], () => clock.advance(49 * HOUR));

    expect(results.get('late-pdf')?.['error']).toEqual({ code: 403, message: `You do not have permission to access the File ${id} or it may not exist.` });
    expect(results.get('plain')?.['response']).toBeDefined();
    const gone = await ai.files.get({ name: pdf.name! }).catch((error: unknown) => error);
    expect((gone as ApiError).status).toBe(404);
    const listed: string[] = [];
    for await (const file of await ai.files.list()) listed.push(file.name!);
    expect(listed).not.toContain(pdf.name);
    expect(emulator.stats()).toMatchObject({ liveFiles: 0, liveBytes: 0, lineFailuresByReason: { 'file-unavailable': 1 } });
  });

  it('fails only the lines of a file deleted before they run; deleting frees the live count', async () => {
    const clock = createManualClock();
    const { emulator, ai, dir } = await start({ clock, pendingMs: 1000 });
    const kept = await uploadPdf(ai, dir, 'kept.pdf');
    const deleted = await uploadPdf(ai, dir, 'deleted.pdf', ['A different paper about nitrogen leaching.']);
    const lines = await runFileJob(ai, dir, 'deleted-job', [documentLine('kept', kept.uri!), documentLine('deleted', deleted.name!)], async () => {
      await ai.files.delete({ name: deleted.name! });
      clock.advance(1000);
    });
    expect(answerText(lines.get('kept'))).toContain('Rothamsted Broadbalk');
    expect(lines.get('deleted')?.['error']).toMatchObject({ code: 403 });
    const stats = emulator.stats();
    expect(stats.filesDeleted).toBe(1);
    expect(stats.filesUploaded - stats.filesDeleted).toBe(2); // two PDFs and the JSONL input uploaded, one PDF deleted
    expect(stats).toMatchObject({ liveFiles: 2 });
    expect(stats.lineFailuresByReason).toEqual({ 'file-unavailable': 1 });
  });

  it('fails a line whose PDF cannot be read with 400, and keeps the other lines', async () => {
    const { ai, dir } = await start();
    const path = join(dir, 'renamed.pdf');
    writeFileSync(path, 'PK\u0003\u0004 a DOCX renamed to .pdf is a zip, not a PDF');
    const broken = await ai.files.upload({ file: path, config: { mimeType: 'application/pdf' } });
    const good = await uploadPdf(ai, dir, 'good.pdf');
    const results = await runFileJob(ai, dir, 'broken-job', [documentLine('broken', broken.uri!), documentLine('good', good.uri!)]);
    expect(results.get('broken')?.['error']).toEqual({ code: 400, message: 'The document has no pages.' });
    expect(results.get('good')?.['response']).toBeDefined();
  });
});

describe('the per-project file quota', () => {
  it('refuses an upload that would exceed it, stores nothing, and accepts it once a deletion frees space', async () => {
    const { emulator, ai, dir } = await start({ fileQuotaBytes: 3000 });
    const first = await ai.files.upload({ file: writeJsonl(dir, 'a.txt', ['x'.repeat(1999)]), config: { mimeType: 'text/plain' } });
    const refused = await ai.files
      .upload({ file: writeJsonl(dir, 'b.txt', ['y'.repeat(1499)]), config: { mimeType: 'text/plain' } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).message).toContain('RESOURCE_EXHAUSTED');
    const listed: string[] = [];
    for await (const file of await ai.files.list()) listed.push(file.name!);
    expect(listed).toEqual([first.name]);
    expect(emulator.stats()).toMatchObject({ liveFiles: 1, liveBytes: 2000, filesUploaded: 1, uploadsRejected: 1 });

    await ai.files.delete({ name: first.name! });
    await ai.files.upload({ file: writeJsonl(dir, 'c.txt', ['z'.repeat(1499)]), config: { mimeType: 'text/plain' } });
    expect(emulator.stats()).toMatchObject({ liveFiles: 1, liveBytes: 1500, filesUploaded: 2, filesDeleted: 1 });
  });
});

/** PNG bytes (signature, then a text chunk a real model might read but the emulator must not). */
function pngWithText(text: string): string {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, Buffer.from(`\u0000\u0000\u0000\u0020tEXtComment\u0000${text}`, 'latin1')]).toString('base64');
}

function inlineRequest(key: string, mimeType: string, data: string): InlinedRequest {
  return { contents: [{ role: 'user', parts: [{ text: 'Describe this scan.' }, { inlineData: { mimeType, data } }] }], metadata: { key } };
}

describe('inline parts, through the official SDK', () => {
  it('answers an image from its metadata only (258 tokens, no text mined) and a text part from its text', async () => {
    const { ai } = await start();
    const secret = 'Zanzibar lighthouse keeper logbook entry.';
    const job = await ai.batches.create({
      model: 'gemini-2.5-flash',
      src: [
        inlineRequest('image', 'image/png', pngWithText(secret)),
        inlineRequest('text', 'text/plain', Buffer.from(secret).toString('base64')),
        inlineRequest('not-base64', 'image/png', 'this is not base64!'),
        inlineRequest('not-a-png', 'image/png', Buffer.from('GIF89a pretending to be a PNG').toString('base64')),
      ],
    });
    const responses = (await waitForEnd(ai, job.name!)).dest?.inlinedResponses ?? [];
    const [image, text, notBase64, notPng] = responses;
    const questionTokens = Math.ceil(Buffer.byteLength('Describe this scan.') / 4);
    expect(image?.response?.usageMetadata?.promptTokenCount).toBe(questionTokens + 258);
    expect(answerText({ response: image?.response })).not.toBe('');
    expect(answerText({ response: image?.response })).not.toContain('Zanzibar');
    expect(answerText({ response: text?.response })).toContain('Zanzibar lighthouse');
    expect(text?.response?.usageMetadata?.promptTokenCount).toBe(questionTokens + Math.ceil(Buffer.byteLength(secret) / 4));
    expect(notBase64?.error).toMatchObject({ code: 400 });
    expect(notBase64?.error?.message).toContain('Base64 decoding failed');
    expect(notPng?.error).toMatchObject({ code: 400 });
    expect(notPng?.error?.message).toContain('Unable to process input image');
  });

  it('fails a line whose inline data is over 20 MB, and only that line', async () => {
    const { emulator, ai, dir } = await start();
    const big = Buffer.alloc(16 * 1024 * 1024, 1).toString('base64'); // 21.3 MB of base64
    const line = (key: string, data: string): string =>
      JSON.stringify({ key, request: { contents: [{ role: 'user', parts: [{ text: 'Read it.' }, { inlineData: { mimeType: 'image/png', data } }] }] } });
    const results = await runFileJob(ai, dir, 'big-inline', [line('big', big), line('small', pngWithText('tiny'))]);
    expect(results.get('big')?.['error']).toEqual({ code: 400, message: 'Request payload size exceeds the limit: 20971520 bytes.' });
    expect(results.get('small')?.['response']).toBeDefined();
    expect(emulator.stats().lineFailuresByReason).toEqual({ 'inline-too-large': 1 });
  });
});

describe('file expiry across restarts (persisting emulator)', () => {
  it('keeps a file’s expirationTime across a restart and forgets it once that time has passed', async () => {
    const clock = createManualClock();
    const storage = makeTempDir();
    opened.push({ close: storage.remove });
    const first = await start({ clock, persist: true, storageDir: storage.dir });
    const pdf = await uploadPdf(first.ai, first.dir, 'kept-over-restart.pdf');
    await first.emulator.close();

    clock.advance(47 * HOUR);
    const second = await start({ clock, persist: true, storageDir: storage.dir });
    expect((await second.ai.files.get({ name: pdf.name! })).expirationTime).toBe(pdf.expirationTime);
    const results = await runFileJob(second.ai, second.dir, 'after-restart', [documentLine('pdf', pdf.uri!)]);
    expect(answerText(results.get('pdf'))).toContain('Rothamsted Broadbalk');
    await second.emulator.close();

    clock.advance(2 * HOUR);
    const third = await start({ clock, persist: true, storageDir: storage.dir });
    const gone = await third.ai.files.get({ name: pdf.name! }).catch((error: unknown) => error);
    expect((gone as ApiError).status).toBe(404);
    expect(third.emulator.stats()).toMatchObject({ liveFiles: 1 }); // the JSONL uploaded after the first restart
  });
});

describe('interactive calls read documents as batch lines do', () => {
  it('counts a PDF’s pages in countTokens, answers generateContent from it, and refuses a deleted file with 403', async () => {
    const { ai, dir } = await start();
    const pdf = await uploadPdf(ai, dir, 'interactive.pdf');
    const contents = [{ role: 'user', parts: [{ text: QUESTION }, { fileData: { fileUri: pdf.uri!, mimeType: 'application/pdf' } }] }];
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents });
    expect(counted.totalTokens).toBe(Math.ceil(Buffer.byteLength(QUESTION) / 4) + 2 * 258);
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents });
    expect(answer.text).toContain('Rothamsted Broadbalk');

    await ai.files.delete({ name: pdf.name! });
    const refused = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(403);
    expect((refused as ApiError).message).toContain('PERMISSION_DENIED');
  });
});
