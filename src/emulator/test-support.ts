/** @module Helpers shared by the emulator's tests (not used by the emulator itself). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ProviderError } from '../shared/index.ts';
import type { Emulator, EmulatorOptions } from './emulator.ts';
import { startEmulator, type RunningEmulator } from './start-emulator.ts';

/** A fresh temp folder and a way to remove it. */
export function makeTempDir(prefix = 'truebatch-emulator-test-'): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What {@link sdkEmulatorPerFile} gives a test file; read its members inside tests (they are set in `beforeAll`). */
export interface SdkEmulator {
  readonly emulator: RunningEmulator;
  readonly ai: GoogleGenAI;
  readonly temp: { dir: string; remove: () => Promise<void> };
}

/**
 * One emulator with instant jobs for a whole test file, an official SDK client for it (v1beta) and a temp folder:
 * started before the file's tests, closed and removed after them.
 */
export function sdkEmulatorPerFile(apiKey: string, options: Pick<EmulatorOptions, 'faults' | 'seed'> = {}): SdkEmulator {
  const temp = makeTempDir();
  let emulator: RunningEmulator | undefined;
  let ai: GoogleGenAI | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ ...options, apiKey, jobDurationMs: 0, pendingMs: 0 });
    ai = new GoogleGenAI({ apiKey, apiVersion: 'v1beta', httpOptions: { baseUrl: emulator.url } });
  });
  afterAll(async () => {
    await emulator?.close();
    await temp.remove();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('sdkEmulatorPerFile: read it inside a test, after beforeAll');
    return value;
  };
  return {
    get emulator() {
      return started(emulator);
    },
    get ai() {
      return started(ai);
    },
    temp,
  };
}

/**
 * The emulators and temp folders one test file makes, closed and removed after each test: `track` an emulator when
 * it is created, `close` one early (a restart over the same folder), and make folders with `tempDir`.
 */
export function cleanedAfterEach(prefix: string): { tempDir: () => string; track: (emulator: Emulator) => Emulator; close: (emulator: Emulator) => Promise<void> } {
  const open: Emulator[] = [];
  const temps: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const emulator of open.splice(0)) await emulator.close();
    for (const temp of temps.splice(0)) await temp.remove();
  });
  return {
    tempDir() {
      const temp = makeTempDir(prefix);
      temps.push(temp);
      return temp.dir;
    },
    track(emulator) {
      open.push(emulator);
      return emulator;
    },
    async close(emulator) {
      open.splice(open.indexOf(emulator), 1);
      await emulator.close();
    },
  };
}

/** A GenerateContentRequest asking `text`. */
export function textRequest(text: string): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text }] }] };
}

/** JSONL input lines `{key: prefix-i, request}` for i in [0, count). */
export function requestLines(count: number, prefix = 'req'): string[] {
  return Array.from({ length: count }, (_, index) => JSON.stringify({ key: `${prefix}-${index}`, request: textRequest(`question ${index}`) }));
}

/** Writes `lines` as a JSONL file in `dir`. */
export function writeJsonl(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Parses a JSONL file's non-blank lines. */
export async function readJsonlFile(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** An error status as the emulator sends it. */
export interface WireError {
  code: number;
  message: string;
  status?: string;
}

/** A File resource. */
export interface WireFile {
  name: string;
  displayName?: string;
  mimeType: string;
  sizeBytes: string;
  source: string;
  state: string;
  uri: string;
}

/** One inline result. */
export interface WireInline {
  response?: Record<string, unknown>;
  error?: WireError;
  metadata?: { key?: string };
}

/** A batch Operation. */
export interface WireOperation {
  name: string;
  done?: boolean;
  error?: WireError;
  response?: Record<string, unknown> & { responsesFile?: string; inlinedResponses?: { inlinedResponses: WireInline[] } };
  metadata: {
    state: string;
    displayName?: string;
    endTime?: string;
    batchStats: Record<string, string>;
    inputConfig?: { fileName: string };
    output?: { responsesFile?: string; inlinedResponses?: { inlinedResponses: WireInline[] } };
  };
}

/** A list or upload body. */
export interface WireBody {
  error?: WireError;
  file?: WireFile;
  files?: WireFile[];
  operations?: WireOperation[];
  nextPageToken?: string;
  name?: string;
}

/** In-process JSON call to an emulator (`app.request`), returning status and parsed body. */
export async function callJson<T = WireBody>(
  emulator: Emulator,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await emulator.app.request(path, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: response.headers };
}

/** Uploads `content` in-process through the resumable protocol (one finalize chunk); returns the final body. */
export async function uploadInProcess(
  emulator: Emulator,
  content: string,
  mimeType = 'application/json',
  headers: Record<string, string> = {},
): Promise<WireBody & { file: WireFile }> {
  const start = await emulator.app.request('/upload/v1beta/files', {
    method: 'POST',
    headers: {
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(Buffer.byteLength(content)),
      'x-goog-upload-header-content-type': mimeType,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ file: { mimeType } }),
  });
  const url = start.headers.get('x-goog-upload-url');
  if (url === null) return (await start.json()) as WireBody & { file: WireFile };
  const final = await emulator.app.request(url, {
    method: 'POST',
    headers: { 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
    body: content,
  });
  return (await final.json()) as WireBody & { file: WireFile };
}

/** Uploads `lines` as a JSONL file and creates a batch job from it in-process; returns the job's name. */
export async function createFileJob(emulator: Emulator, lines: readonly string[], displayName = 'job'): Promise<string> {
  const uploaded = await uploadInProcess(emulator, `${lines.join('\n')}\n`);
  const created = await callJson<WireOperation>(emulator, '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
    method: 'POST',
    body: { batch: { displayName, inputConfig: { fileName: uploaded.file.name } } },
  });
  if (created.status !== 200) throw new ProviderError('emulator', `creating ${displayName} answered HTTP ${created.status}`, { isRetryable: false });
  return created.body.name;
}

/** Reads a batch job's Operation in-process. */
export async function getJob(emulator: Emulator, name: string): Promise<WireOperation> {
  return (await callJson<WireOperation>(emulator, `/v1beta/${name}`)).body;
}

/** Where the emulator keeps a finished job's result file on disk. */
export function outputPath(emulator: Emulator, operation: WireOperation): string {
  const file = operation.metadata.output?.responsesFile ?? '';
  return join(emulator.storageDir, 'files', file.slice('files/'.length));
}
