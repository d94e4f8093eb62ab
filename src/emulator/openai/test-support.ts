/** @module Helpers for the OpenAI emulator's tests: an emulator per file, an official SDK client, JSONL inputs. */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../start-emulator.ts';

/** What {@link openAiEmulatorPerFile} gives a test file (members are set in `beforeAll`). */
export interface OpenAiTestEmulator {
  readonly emulator: RunningEmulator;
  readonly client: OpenAI;
}

/** The test API key. */
export const TEST_KEY = 'sk-emulator-test-key';

/** One emulator (instant batches unless overridden) and an SDK client without retries, for a whole test file. */
export function openAiEmulatorPerFile(options: StartEmulatorOptions = {}): OpenAiTestEmulator {
  let emulator: RunningEmulator | undefined;
  let client: OpenAI | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: TEST_KEY, jobDurationMs: 0, pendingMs: 0, ...options });
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: emulator.openaiUrl, maxRetries: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return {
    get emulator() {
      if (emulator === undefined) throw new Error('the emulator starts in beforeAll');
      return emulator;
    },
    get client() {
      if (client === undefined) throw new Error('the client starts in beforeAll');
      return client;
    },
  };
}

/** One chat completions request line. */
export function chatLine(customId: string, prompt: string, body: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], ...body },
  };
}

/** Uploads `lines` (objects or raw text lines) as a batch input file. */
export async function uploadLines(client: OpenAI, lines: readonly (Record<string, unknown> | string)[], name = 'input.jsonl'): Promise<OpenAI.FileObject> {
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
  return client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'batch' });
}

const FINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Polls a batch until it ends (the emulator's loop runs it in the background). */
export async function waitForBatch(client: OpenAI, id: string): Promise<OpenAI.Batch> {
  for (let polls = 0; polls < 2000; polls++) {
    const batch = await client.batches.retrieve(id);
    if (FINAL.has(batch.status)) return batch;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`batch ${id} did not end`);
}

/** The JSONL lines of a file, parsed. */
export async function fileLines(client: OpenAI, id: string): Promise<Record<string, unknown>[]> {
  const response = await client.files.content(id);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
