/**
 * The Anthropic emulator's scripted faults and traps through the official SDK over real HTTP: errored lines
 * (nested twice), shuffled results, expiry, overloaded and rate-limited calls with retry-after, a create whose
 * answer is lost, documents, and a restart over the same folder.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../shared/index.ts';
import type { FaultConfigInput } from '../faults.ts';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../start-emulator.ts';
import { makeTempDir } from '../test-support.ts';

const KEY = 'anthropic-fault-test-key';
const MODEL = 'claude-haiku-4-5';

const running: RunningEmulator[] = [];
const temps: { remove: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
  for (const temp of temps.splice(0)) await temp.remove();
});

async function start(options: StartEmulatorOptions = {}): Promise<{ emulator: RunningEmulator; client: Anthropic }> {
  const emulator = await startEmulator({ apiKey: KEY, jobDurationMs: 0, pendingMs: 0, ...options });
  running.push(emulator);
  return { emulator, client: new Anthropic({ apiKey: KEY, baseURL: emulator.anthropicUrl, maxRetries: 0 }) };
}

function requests(count: number, prefix = 'r'): Anthropic.Messages.BatchCreateParams.Request[] {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `${prefix}-${index}`,
    params: { model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: `Summarise item ${index}: a red bicycle with ${index} gears.` }] },
  }));
}

async function resultLines(client: Anthropic, id: string): Promise<MessageBatchIndividualResponse[]> {
  const lines: MessageBatchIndividualResponse[] = [];
  for await (const line of await client.messages.batches.results(id)) lines.push(line);
  return lines;
}

/** The result lines of a new batch of `count` requests, once it has ended. */
async function endedBatch(client: Anthropic, count: number): Promise<MessageBatchIndividualResponse[]> {
  const created = await client.messages.batches.create({ requests: requests(count) });
  expect((await client.messages.batches.retrieve(created.id)).processing_status).toBe('ended');
  return resultLines(client, created.id);
}

describe('Anthropic result lines', () => {
  it('writes results in a seeded shuffled order by default, the same on every run, and in order when asked', async () => {
    const orderOf = async (faults?: FaultConfigInput): Promise<string[]> => {
      const { client } = await start(faults === undefined ? {} : { faults });
      return (await endedBatch(client, 20)).map((line) => line.custom_id);
    };
    const inOrder = requests(20).map((request) => request.custom_id);
    const shuffled = await orderOf();
    expect(shuffled).not.toEqual(inOrder);
    expect([...shuffled].sort()).toEqual([...inOrder].sort());
    expect(await orderOf()).toEqual(shuffled);
    expect(await orderOf({ anthropic: { resultsInOrder: true } })).toEqual(inOrder);
  });

  it('answers errored lines at the configured rate with the error nested twice', async () => {
    const { client, emulator } = await start({ faults: { lines: { errorRate: 1 } } });
    const lines = await endedBatch(client, 5);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      if (line.result.type !== 'errored') throw new Error(`expected errored, got ${JSON.stringify(line)}`);
      expect(line.result.error.type).toBe('error');
      expect(['api_error', 'rate_limit_error']).toContain(line.result.error.error.type);
      expect(line.result.error.error.message).not.toBe('');
    }
    expect(emulator.stats().anthropic.resultLines).toEqual({ succeeded: 0, errored: 5, canceled: 0, expired: 0 });
  });

  it('refuses a prompt a safety fault blocks with stop_reason refusal and no content', async () => {
    const { client } = await start({ faults: { lines: { safetyBlockRate: 1 } } });
    const [line] = await endedBatch(client, 1);
    if (line?.result.type !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(line)}`);
    expect(line.result.message.stop_reason).toBe('refusal');
    expect(line.result.message.stop_details).toEqual({ type: 'refusal', category: null, explanation: null });
    expect(line.result.message.content).toEqual([]);
  });
});

describe('Anthropic batch outcomes', () => {
  it('expires a batch after afterLines requests: the answers made are kept, the rest expired', async () => {
    const { client, emulator } = await start({ faults: { anthropic: { batches: [{ nth: 2, outcome: 'expired', afterLines: 2 }] } } });
    const first = await client.messages.batches.create({ requests: requests(3, 'first') });
    const second = await client.messages.batches.create({ requests: requests(5, 'second') });
    expect((await client.messages.batches.retrieve(first.id)).request_counts.succeeded).toBe(3);
    const expired = await client.messages.batches.retrieve(second.id);
    expect(expired.processing_status).toBe('ended');
    expect(expired.request_counts).toEqual({ processing: 0, succeeded: 2, errored: 0, canceled: 0, expired: 3 });
    const lines = await resultLines(client, second.id);
    expect(lines.filter((line) => line.result.type === 'expired')).toHaveLength(3);
    expect(lines.find((line) => line.result.type === 'expired')?.result).toEqual({ type: 'expired' });
    expect(emulator.stats().anthropic.batchesByStatus).toEqual({ in_progress: 0, canceling: 0, ended: 2 });
  });

  it('keeps a stuck batch in_progress until its expires_at, then every request is expired', async () => {
    const clock = createManualClock();
    const { client } = await start({ clock, faults: { anthropic: { batches: [{ outcome: 'stuck' }] } } });
    const created = await client.messages.batches.create({ requests: requests(3) });
    clock.advance(23 * 60 * 60 * 1000);
    expect((await client.messages.batches.retrieve(created.id)).processing_status).toBe('in_progress');
    clock.advance(60 * 60 * 1000);
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.ended_at).toBe(ended.expires_at);
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 3 });
  });

  it('archives results 29 days after creation', async () => {
    const clock = createManualClock();
    const { client } = await start({ clock });
    const created = await client.messages.batches.create({ requests: requests(1) });
    expect((await client.messages.batches.retrieve(created.id)).results_url).not.toBeNull();
    clock.advance(29 * 24 * 60 * 60 * 1000);
    const archived = await client.messages.batches.retrieve(created.id);
    expect(archived.archived_at).not.toBeNull();
    expect(archived.results_url).toBeNull();
  });
});

describe('Anthropic HTTP faults', () => {
  it('answers 529 overloaded_error and 429 rate_limit_error with retry-after, in the Anthropic envelope', async () => {
    const { client, emulator } = await start({
      faults: {
        http: [
          { endpoint: 'anthropic.batches.get', fault: 529, nth: 1, retryAfterSeconds: 2 },
          { endpoint: 'anthropic.batches.list', fault: 429, nth: 1, retryAfterSeconds: 1.5 },
        ],
      },
    });
    const created = await client.messages.batches.create({ requests: requests(1) });
    const overloaded = (await client.messages.batches.retrieve(created.id).catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>;
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(overloaded.headers?.get('retry-after')).toBe('2');
    const limited = await client.messages.batches.list().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('2');
    // The second calls go through.
    expect((await client.messages.batches.retrieve(created.id)).processing_status).toBe('ended');
    expect(emulator.stats().endpointCalls['anthropic.batches.get']).toBe(2);
    expect(emulator.stats().httpFaultsInjected).toBe(2);
  });

  it('makes the batch of a create whose answer is dropped: the client sees a connection error, list shows the batch', async () => {
    const { client, emulator } = await start({ faults: { http: [{ endpoint: 'anthropic.batches.create', fault: 'dropAfter', nth: 1 }] } });
    await expect(client.messages.batches.create({ requests: requests(2) })).rejects.toBeInstanceOf(Anthropic.APIConnectionError);
    const listed = await client.messages.batches.list();
    expect(listed.data).toHaveLength(1);
    expect(emulator.stats().anthropic.batchesCreated).toBe(1);
    expect(emulator.stats().submissionsByKey['r-0']).toBe(1);
  });

  it('retries through a 529 with the SDK own retries (retry-after honoured)', async () => {
    const { emulator } = await start({ faults: { http: [{ endpoint: 'anthropic.batches.list', fault: 529, nth: 1, retryAfterSeconds: 0 }] } });
    const retrying = new Anthropic({ apiKey: KEY, baseURL: emulator.anthropicUrl, maxRetries: 1 });
    expect((await retrying.messages.batches.list()).data).toEqual([]);
    expect(emulator.stats().endpointCalls['anthropic.batches.list']).toBe(2);
  });
});

describe('Anthropic documents and restarts', () => {
  it('reads a base64 PDF document block and answers from its text', async () => {
    const { client, emulator } = await start();
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage().drawText('The Broadbalk wheat experiment began in 1843 at Rothamsted.', { x: 40, y: 700, size: 11, font });
    const data = Buffer.from(await pdf.save()).toString('base64');
    const created = await client.messages.batches.create({
      requests: [
        {
          custom_id: 'pdf',
          params: {
            model: MODEL,
            max_tokens: 512,
            messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } }, { type: 'text', text: 'When did the experiment begin?' }] }],
          },
        },
      ],
    });
    await client.messages.batches.retrieve(created.id);
    const [line] = await resultLines(client, created.id);
    if (line?.result.type !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(line)}`);
    const text = line.result.message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text).toMatch(/1843|Broadbalk|Rothamsted/);
    expect(emulator.stats().documentsRead).toBe(1);
  });

  it('knows its batches after a restart over the same folder and finishes one that had not ended', async () => {
    const temp = makeTempDir('truebatch-anthropic-persist-');
    temps.push(temp);
    const clock = createManualClock();
    const persisted = { storageDir: temp.dir, persist: true, clock, jobDurationMs: 10_000 };
    const first = await start(persisted);
    const ended = await first.client.messages.batches.create({ requests: requests(2, 'ended') });
    clock.advance(10_000);
    await first.client.messages.batches.retrieve(ended.id);
    const open = await first.client.messages.batches.create({ requests: requests(2, 'open') });
    clock.advance(5000);
    await first.client.messages.batches.retrieve(open.id);
    await first.emulator.close();
    running.splice(running.indexOf(first.emulator), 1);

    const second = await start(persisted);
    expect((await second.client.messages.batches.list()).data.map((batch) => batch.id)).toEqual([open.id, ended.id]);
    expect((await resultLines(second.client, ended.id)).map((line) => line.custom_id).sort()).toEqual(['ended-0', 'ended-1']);
    clock.advance(10_000);
    const finished = await second.client.messages.batches.retrieve(open.id);
    expect(finished.request_counts).toEqual({ processing: 0, succeeded: 2, errored: 0, canceled: 0, expired: 0 });
    expect(await resultLines(second.client, open.id)).toHaveLength(2);
  });
});
