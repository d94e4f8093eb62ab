import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../shared/index.ts';
import { TEST_KEY, chatLine, fileLines, openAiEmulatorPerFile, uploadLines, waitForBatch } from './test-support.ts';

const lines = (count: number, prefix = 'req'): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, index) => chatLine(`${prefix}-${index}`, `Document ${index} talks about harbour cranes.`));

async function run(client: OpenAI, count: number, metadata?: Record<string, string>): Promise<OpenAI.Batch> {
  const file = await uploadLines(client, lines(count));
  const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', ...(metadata === undefined ? {} : { metadata }) });
  return waitForBatch(client, created.id);
}

describe('scripted batch outcomes (faults.openai.batches)', () => {
  const setup = openAiEmulatorPerFile({
    faults: {
      openai: {
        batches: [
          { metadataContains: 'trap-expired', outcome: 'expired', afterLines: 2 },
          { metadataContains: 'trap-all-bad', outcome: 'all-failed' },
          { metadataContains: 'trap-tokens', outcome: 'token-limit' },
          { metadataContains: 'trap-stuck', outcome: 'stuck' },
        ],
      },
    },
  });

  it('expired keeps the answered lines in the output file and puts the rest in the error file as batch_expired', async () => {
    const done = await run(setup.client, 5, { tag: 'trap-expired' });
    expect(done).toMatchObject({ status: 'expired', request_counts: { total: 5, completed: 2, failed: 3 } });
    expect(done.expired_at).toBeTypeOf('number');
    expect(await fileLines(setup.client, done.output_file_id ?? '')).toHaveLength(2);
    const errors = await fileLines(setup.client, done.error_file_id ?? '');
    expect(errors).toHaveLength(3);
    for (const line of errors) expect(line).toMatchObject({ response: null, error: { code: 'batch_expired' } });
  });

  it('all-failed is a completed batch with no output file, only an error file of 400s hidden in response', async () => {
    const done = await run(setup.client, 3, { tag: 'trap-all-bad' });
    expect(done).toMatchObject({ status: 'completed', output_file_id: null, request_counts: { total: 3, completed: 0, failed: 3 } });
    const errors = await fileLines(setup.client, done.error_file_id ?? '');
    expect(errors).toHaveLength(3);
    for (const line of errors) {
      expect(line).toMatchObject({ error: null, response: { status_code: 400, body: { error: { code: 'context_length_exceeded', type: 'invalid_request_error' } } } });
    }
  });

  it('token-limit fails the batch after a create that succeeded', async () => {
    const done = await run(setup.client, 2, { tag: 'trap-tokens' });
    expect(done).toMatchObject({ status: 'failed', errors: { object: 'list', data: [{ code: 'token_limit_exceeded', line: null }] } });
    expect(done.errors?.data?.[0]?.message).toMatch(/^Enqueued token limit reached for gpt-4o-mini/);
  });

  it('a stuck batch stays in_progress until cancelled; its requests are then batch_cancelled', async () => {
    const { client } = setup;
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines(3))).id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { tag: 'trap-stuck' } });
    expect((await client.batches.retrieve(created.id)).status).toBe('in_progress');
    const cancelled = await client.batches.cancel(created.id);
    expect(['cancelling', 'cancelled']).toContain(cancelled.status);
    const done = await waitForBatch(client, created.id);
    expect(done).toMatchObject({ status: 'cancelled', output_file_id: null, request_counts: { total: 3, completed: 0, failed: 3 } });
    expect(done.cancelling_at).toBeTypeOf('number');
    expect(done.cancelled_at).toBeTypeOf('number');
    for (const line of await fileLines(client, done.error_file_id ?? '')) expect(line).toMatchObject({ response: null, error: { code: 'batch_cancelled' } });
    await expect(client.batches.cancel(created.id)).rejects.toMatchObject({ status: 400 });
    expect(setup.emulator.stats().openai).toMatchObject({ batchesCancelled: 1, linesCancelled: 3, linesExpired: 3, linesRejected: 3 });
    expect(setup.emulator.stats().openai.batchesByStatus).toMatchObject({ expired: 1, completed: 1, failed: 1, cancelled: 1 });
  });
});

describe('hidden 400 rejections and shuffled order (faults.openai.hiddenRejectionRate)', () => {
  const setup = openAiEmulatorPerFile({ seed: 11, faults: { openai: { hiddenRejectionRate: 0.3 } } });

  it('rejects a seeded share of lines with a 400 inside response and error null, in the error file', async () => {
    const done = await run(setup.client, 40);
    expect(done.status).toBe('completed');
    const failed = done.request_counts?.failed ?? 0;
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(40);
    const errors = await fileLines(setup.client, done.error_file_id ?? '');
    expect(errors).toHaveLength(failed);
    for (const line of errors) expect(line).toMatchObject({ error: null, response: { status_code: 400 } });
    const output = await fileLines(setup.client, done.output_file_id ?? '');
    const ids = [...output, ...errors].map((line) => line['custom_id']);
    expect(new Set(ids)).toEqual(new Set(lines(40).map((line) => line['custom_id'])));
    // Any order (stdapi-ai#60): the emulator shuffles, so a reader that assumes input order is caught.
    expect(output.map((line) => line['custom_id'])).not.toEqual(lines(40).map((line) => line['custom_id']).filter((id) => output.some((l) => l['custom_id'] === id)));
    expect(setup.emulator.stats().openai.linesRejected).toBe(failed);
  });
});

describe("the simulated model's line faults (faults.lines) on OpenAI lines", () => {
  const setup = openAiEmulatorPerFile({ seed: 5, faults: { lines: { errorRate: 0.25, malformedRate: 0.5, malformedKinds: ['fence'] } } });

  it('puts scripted server errors in the error file and wraps some JSON answers in code fences', async () => {
    const { client } = setup;
    const format = { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } } };
    const input = Array.from({ length: 30 }, (_, index) => chatLine(`f-${index}`, `Item ${index} is a crane.`, { response_format: format }));
    const done = await waitForBatch(client, (await client.batches.create({ input_file_id: (await uploadLines(client, input)).id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(done.request_counts?.failed).toBeGreaterThan(0);
    for (const line of await fileLines(client, done.error_file_id ?? '')) {
      const response = line['response'] as { status_code: number; body: { error: { type: string } } };
      expect([429, 500]).toContain(response.status_code);
      expect(line['error']).toBeNull();
    }
    const contents = (await fileLines(client, done.output_file_id ?? '')).map(
      (line) => (line['response'] as { body: { choices: { message: { content: string } }[] } }).body.choices[0]?.message.content ?? '',
    );
    expect(contents.some((content) => content.startsWith('```'))).toBe(true);
    expect(contents.some((content) => content.startsWith('{'))).toBe(true);
  });
});

describe('input order and the empty error_file_id (faults.openai inputOrder, emptyErrorFileId)', () => {
  const setup = openAiEmulatorPerFile({ faults: { openai: { inputOrder: true, emptyErrorFileId: true } } });

  it('writes lines in input order and reports error_file_id "" on a batch with no failed line', async () => {
    const done = await run(setup.client, 5);
    expect(done).toMatchObject({ status: 'completed', error_file_id: '', request_counts: { completed: 5, failed: 0 } });
    const output = await fileLines(setup.client, done.output_file_id ?? '');
    expect(output.map((line) => line['custom_id'])).toEqual(lines(5).map((line) => line['custom_id']));
  });
});

describe('HTTP faults on the OpenAI endpoints (faults.http)', () => {
  const setup = openAiEmulatorPerFile({
    faults: {
      http: [
        { endpoint: 'openai.batches.create', fault: 'dropAfter', nth: 1 },
        { endpoint: 'openai.batches.get', fault: 429, nth: 1, retryAfterSeconds: 2 },
      ],
    },
  });

  it('answers a scripted 429 in OpenAI error shape with Retry-After', async () => {
    const { client } = setup;
    const error: unknown = await client.batches.retrieve('batch_any').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, error: { type: 'requests', code: 'rate_limit_exceeded', param: null } });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('2');
  });

  it('makes the batch although the client saw a network error; the SDK default retries then duplicate it', async () => {
    const { client, emulator } = setup;
    const file = await uploadLines(client, lines(2));
    const params = { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' } as const;
    const retrying = new OpenAI({ apiKey: TEST_KEY, baseURL: emulator.openaiUrl });
    const created = await retrying.batches.create(params);
    expect(emulator.stats().openai.batchesCreated).toBe(2);
    expect(emulator.stats().endpointCalls['openai.batches.create']).toBe(2);
    const listed = (await client.batches.list()).data.map((batch) => batch.id);
    expect(listed).toHaveLength(2);
    expect(listed).toContain(created.id);
  });
});

describe('batches on the clock', () => {
  const clock = createManualClock();
  const setup = openAiEmulatorPerFile({ clock, pendingMs: 1000, jobDurationMs: 4000 });

  it('validating, then in_progress with live counts, then cancelled with the answered lines kept', async () => {
    const { client } = setup;
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines(4))).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await client.batches.retrieve(created.id)).status).toBe('validating');
    clock.advance(1000 + 2000);
    const running = await client.batches.retrieve(created.id);
    expect(running).toMatchObject({ status: 'in_progress', request_counts: { total: 4, completed: 2, failed: 0 } });
    expect((await client.batches.cancel(created.id)).status).toBe('cancelling');
    clock.advance(1000);
    const done = await client.batches.retrieve(created.id);
    expect(done).toMatchObject({ status: 'cancelled', request_counts: { total: 4, completed: 2, failed: 2 } });
    expect(await fileLines(client, done.output_file_id ?? '')).toHaveLength(2);
    expect(await fileLines(client, done.error_file_id ?? '')).toHaveLength(2);
  });

  it('cancels a batch while it validates, even one with bad lines', async () => {
    const { client } = setup;
    const file = await uploadLines(client, [chatLine('ok', 'fine'), '{broken', '[1]']);
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await client.batches.cancel(created.id)).status).toBe('cancelling');
    clock.advance(1000);
    const done = await client.batches.retrieve(created.id);
    expect(done).toMatchObject({ status: 'cancelled', output_file_id: null });
    expect((await fileLines(client, done.error_file_id ?? '')).map((line) => line['custom_id'])).toEqual(['ok']);
  });

  it('is finalizing (no file ids yet) for pendingMs before completed', async () => {
    const { client } = setup;
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines(2))).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    clock.advance(1000 + 4000);
    const finalizing = await client.batches.retrieve(created.id);
    expect(finalizing).toMatchObject({ status: 'finalizing', output_file_id: null, request_counts: { total: 2, completed: 2 } });
    clock.advance(1000);
    expect((await client.batches.retrieve(created.id)).status).toBe('completed');
  });
});

describe('the 24 h completion window', () => {
  const clock = createManualClock();
  const setup = openAiEmulatorPerFile({ clock, pendingMs: 0, jobDurationMs: 48 * 60 * 60 * 1000 });

  it('expires a batch still running after 24 h, keeping the answered half', async () => {
    const { client } = setup;
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines(4))).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.expires_at).toBe(created.created_at + 24 * 60 * 60);
    clock.advance(24 * 60 * 60 * 1000);
    const done = await client.batches.retrieve(created.id);
    expect(done).toMatchObject({ status: 'expired', request_counts: { total: 4, completed: 2, failed: 2 } });
  });
});
