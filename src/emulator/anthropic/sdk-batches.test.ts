/**
 * The Anthropic Message Batches emulator through the official `@anthropic-ai/sdk` over real HTTP: create, retrieve,
 * results joined on custom_id, structured output, list pagination, cancel, delete, auth, 404 and create refusals.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../shared/index.ts';
import { startEmulator, type RunningEmulator } from '../start-emulator.ts';

const KEY = 'anthropic-emulator-test-key';
const MODEL = 'claude-sonnet-4-5';
const INVOICE = 'Invoice 2024-117 from ACME GmbH, Berlin. Total due: 1250.50 EUR by 2024-03-31.';

/** A Messages request asking `text`. */
function params(text: string, extra: Record<string, unknown> = {}): Anthropic.Messages.MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: text }], ...extra };
}

function clientFor(emulator: RunningEmulator, apiKey = KEY): Anthropic {
  return new Anthropic({ apiKey, baseURL: emulator.anthropicUrl, maxRetries: 0 });
}

/** Every result line of a batch, by custom_id (the lines may come in any order). */
async function resultsOf(client: Anthropic, id: string): Promise<Map<string, MessageBatchIndividualResponse>> {
  const byId = new Map<string, MessageBatchIndividualResponse>();
  for await (const line of await client.messages.batches.results(id)) byId.set(line.custom_id, line);
  return byId;
}

function messageOf(line: MessageBatchIndividualResponse | undefined): Anthropic.Messages.Message {
  if (line?.result.type !== 'succeeded') throw new Error(`expected a succeeded line, got ${JSON.stringify(line)}`);
  return line.result.message;
}

describe('Anthropic message batches with instant processing', () => {
  let emulator: RunningEmulator;
  let client: Anthropic;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: KEY, jobDurationMs: 0, pendingMs: 0 });
    client = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('creates a batch in_progress, ends it, and serves every result once, joined on custom_id', async () => {
    const requests = Array.from({ length: 12 }, (_, index) => ({ custom_id: `doc-${index}`, params: params(`Question ${index}: ${INVOICE}`) }));
    const created = await client.messages.batches.create({ requests });
    expect(created).toMatchObject({ type: 'message_batch', processing_status: 'in_progress', results_url: null, ended_at: null });
    expect(created.id).toMatch(/^msgbatch_01[A-Za-z0-9]{22}$/);
    expect(created.request_counts).toEqual({ processing: 12, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 60 * 60 * 1000);

    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 12, errored: 0, canceled: 0, expired: 0 });
    expect(ended.results_url).toBe(`${emulator.anthropicUrl}/v1/messages/batches/${created.id}/results`);
    expect(ended.ended_at).not.toBeNull();

    const results = await resultsOf(client, created.id);
    expect([...results.keys()].sort()).toEqual(requests.map((request) => request.custom_id).sort());
    const message = messageOf(results.get('doc-3'));
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message.content[0]?.type).toBe('text');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'batch' });
    expect(emulator.stats().anthropic).toMatchObject({ batchesCreated: 1, resultsDownloads: 1, resultLines: { succeeded: 12 } });
    expect(emulator.stats().submissionsByKey['doc-3']).toBe(1);
  });

  it('answers a forced tool with a tool_use block whose input follows the tool schema', async () => {
    const schema = {
      type: 'object',
      properties: { vendor: { type: 'string' }, total: { type: 'number' }, currency: { type: 'string', enum: ['EUR', 'USD'] } },
      required: ['vendor', 'total', 'currency'],
      additionalProperties: false,
    };
    const tool = { name: 'record_invoice', description: 'Record the invoice fields', input_schema: schema };
    const created = await client.messages.batches.create({
      requests: [{ custom_id: 'tool-1', params: params(INVOICE, { tools: [tool], tool_choice: { type: 'tool', name: 'record_invoice' } }) }],
    });
    await client.messages.batches.retrieve(created.id);
    const message = messageOf((await resultsOf(client, created.id)).get('tool-1'));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    const block = message.content[0];
    if (block?.type !== 'tool_use') throw new Error(`expected tool_use, got ${JSON.stringify(block)}`);
    expect(block.name).toBe('record_invoice');
    expect(block.id).toMatch(/^toolu_01/);
    const input = block.input as Record<string, unknown>;
    expect(Object.keys(input).sort()).toEqual(['currency', 'total', 'vendor']);
    expect(typeof input['vendor']).toBe('string');
    expect(typeof input['total']).toBe('number');
    expect(['EUR', 'USD']).toContain(input['currency']);
  });

  it('answers output_config.format json_schema with JSON text following the schema', async () => {
    const schema = { type: 'object', properties: { vendor: { type: 'string' }, due: { type: 'string' } }, required: ['vendor', 'due'], additionalProperties: false };
    const created = await client.messages.batches.create({
      requests: [{ custom_id: 'json-1', params: params(INVOICE, { output_config: { format: { type: 'json_schema', schema } } }) }],
    });
    await client.messages.batches.retrieve(created.id);
    const message = messageOf((await resultsOf(client, created.id)).get('json-1'));
    const block = message.content[0];
    if (block?.type !== 'text') throw new Error(`expected text, got ${JSON.stringify(block)}`);
    const value = JSON.parse(block.text) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['due', 'vendor']);
  });

  it('writes a cache_control prefix once and reads it in the later requests, and does not cache a short prefix', async () => {
    const handbook = Array.from({ length: 120 }, (_, index) => `Rule ${index}: invoices from vendor ${index} are booked to account ${4000 + index}.`).join(' ');
    const cached = (index: number, ttl?: '1h'): Anthropic.Messages.BatchCreateParams.Request => ({
      custom_id: `cache-${index}${ttl ?? ''}`,
      params: params(`Invoice ${index}: ${INVOICE}`, {
        system: [{ type: 'text', text: handbook, cache_control: { type: 'ephemeral', ...(ttl === undefined ? {} : { ttl }) } }],
      }),
    });
    const created = await client.messages.batches.create({ requests: [cached(0), cached(1), cached(2)] });
    await client.messages.batches.retrieve(created.id);
    const usages = [...(await resultsOf(client, created.id)).values()].map((line) => messageOf(line).usage);
    const writes = usages.filter((usage) => (usage.cache_creation_input_tokens ?? 0) > 0);
    const reads = usages.filter((usage) => (usage.cache_read_input_tokens ?? 0) > 0);
    expect(writes).toHaveLength(1);
    expect(reads).toHaveLength(2);
    const prefix = writes[0]?.cache_creation_input_tokens ?? 0;
    expect(prefix).toBeGreaterThanOrEqual(1024);
    expect(writes[0]?.cache_creation).toEqual({ ephemeral_5m_input_tokens: prefix, ephemeral_1h_input_tokens: 0 });
    for (const usage of reads) expect(usage.cache_read_input_tokens).toBe(prefix);

    const hour = await client.messages.batches.create({ requests: [cached(3, '1h')] });
    await client.messages.batches.retrieve(hour.id);
    // The same system prefix is cached already (5m entry alive): a read.
    expect(messageOf((await resultsOf(client, hour.id)).get('cache-31h')).usage.cache_read_input_tokens).toBe(prefix);

    const short = await client.messages.batches.create({
      requests: [{ custom_id: 'short-prefix', params: params(INVOICE, { system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] }) }],
    });
    await client.messages.batches.retrieve(short.id);
    expect(messageOf((await resultsOf(client, short.id)).get('short-prefix')).usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('answers web search and web fetch with server tool blocks before the text, counted in usage', async () => {
    const created = await client.messages.batches.create({
      requests: [
        {
          custom_id: 'search',
          params: params('When did the Broadbalk wheat experiment begin? See https://example.org/broadbalk for context.', {
            tools: [
              { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
              { type: 'web_fetch_20250910', name: 'web_fetch' },
            ],
          }),
        },
      ],
    });
    await client.messages.batches.retrieve(created.id);
    const message = messageOf((await resultsOf(client, created.id)).get('search'));
    const types = message.content.map((block) => block.type);
    expect(types.at(-1)).toBe('text');
    expect(types).toContain('web_search_tool_result');
    const search = message.content.find((block) => block.type === 'server_tool_use' && block.name === 'web_search');
    const result = message.content.find((block) => block.type === 'web_search_tool_result');
    if (search?.type !== 'server_tool_use' || result?.type !== 'web_search_tool_result') throw new Error('expected a web search');
    expect(result.tool_use_id).toBe(search.id);
    expect(Array.isArray(result.content) && result.content.length).toBeGreaterThan(0);
    const fetched = message.content.find((block) => block.type === 'server_tool_use' && block.name === 'web_fetch');
    expect(fetched?.type === 'server_tool_use' && fetched.input).toEqual({ url: 'https://example.org/broadbalk' });
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: types.filter((type) => type === 'web_search_tool_result').length, web_fetch_requests: 1 });
    expect(message.stop_reason).toBe('end_turn');
  });

  it('cuts an answer at max_tokens with stop_reason max_tokens', async () => {
    const created = await client.messages.batches.create({ requests: [{ custom_id: 'short', params: params(`${INVOICE} ${INVOICE} ${INVOICE}`, { max_tokens: 3 }) }] });
    await client.messages.batches.retrieve(created.id);
    const message = messageOf((await resultsOf(client, created.id)).get('short'));
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBeLessThanOrEqual(3);
  });

  it('gives an errored line, nested twice, for params the API refuses, without refusing the batch', async () => {
    const created = await client.messages.batches.create({
      requests: [
        { custom_id: 'zero', params: params('x', { max_tokens: 0 }) },
        { custom_id: 'extra', params: params('x', { unknown_field: 1 }) },
        { custom_id: 'model', params: params('x', { model: 'gpt-4o' }) },
        { custom_id: 'fine', params: params('x') },
      ],
    });
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 1, errored: 3, canceled: 0, expired: 0 });
    const results = await resultsOf(client, created.id);
    expect(results.get('zero')?.result).toEqual({
      type: 'errored',
      error: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Input should be greater than or equal to 1' }, request_id: null },
    });
    expect(results.get('extra')?.result).toMatchObject({ error: { error: { type: 'invalid_request_error', message: 'unknown_field: Extra inputs are not permitted' } } });
    expect(results.get('model')?.result).toMatchObject({ error: { error: { type: 'not_found_error', message: 'model: gpt-4o' } } });
  });

  it('refuses bad custom_ids at create with the API words, and makes no batch and leaves no folder', async () => {
    const before = emulator.stats().anthropic.batchesCreated;
    const folders = (): number => readdirSync(join(emulator.emulator.storageDir, 'anthropic')).length;
    const foldersBefore = folders();
    const refusal = async (customIds: string[]): Promise<unknown> =>
      client.messages.batches.create({ requests: customIds.map((custom_id) => ({ custom_id, params: params('x') })) }).then(
        () => undefined,
        (error: unknown) => error,
      );
    const tooLong = await refusal(['a'.repeat(65)]);
    expect(tooLong).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tooLong as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'requests.0.custom_id: String should have at most 64 characters' },
    });
    const badCharacters = (await refusal(['ok', 'has space'])) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(badCharacters.status).toBe(400);
    expect(badCharacters.message).toContain("requests.1.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
    const empty = (await refusal([''])) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(empty.message).toContain('requests.0.custom_id: String should have at least 1 character');
    const duplicate = (await refusal(['same', 'other', 'same'])) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(duplicate.status).toBe(400);
    expect(duplicate.message).toContain('requests.2.custom_id');
    expect(duplicate.message).toContain('requests.0');
    const none = (await client.messages.batches.create({ requests: [] }).catch((error: unknown) => error)) as InstanceType<typeof Anthropic.BadRequestError>;
    expect(none.status).toBe(400);
    expect(emulator.stats().anthropic.batchesCreated).toBe(before);
    expect(folders()).toBe(foldersBefore);
  });

  it('refuses a wrong key and a missing key with 401 authentication_error', async () => {
    const wrong = await clientFor(emulator, 'not-the-key').messages.batches.list().catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((wrong as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    const response = await fetch(`${emulator.anthropicUrl}/v1/messages/batches`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    const byHeader = await fetch(`${emulator.anthropicUrl}/v1/messages/batches`, { headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers.get('request-id')).toMatch(/^req_011/);
    const unversioned = await fetch(`${emulator.anthropicUrl}/v1/messages/batches`, { headers: { 'x-api-key': KEY } });
    expect(unversioned.status).toBe(400);
  });

  it('answers 404 not_found_error for an unknown batch', async () => {
    const error = await client.messages.batches.retrieve('msgbatch_01unknown').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).requestID).toMatch(/^req_/);
  });

  it('lists batches newest first in pages the SDK follows, forwards with after_id and back with before_id', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await client.messages.batches.create({ requests: [{ custom_id: `list-${index}`, params: params('x') }] })).id);
    }
    const first = await client.messages.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[4], ids[3]]);
    expect(first.has_more).toBe(true);
    expect(first.first_id).toBe(ids[4]);
    expect(first.last_id).toBe(ids[3]);
    const all: string[] = [];
    for await (const batch of client.messages.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(all).size).toBe(all.length);
    const before = await client.messages.batches.list({ limit: 2, before_id: ids[1] ?? '' });
    expect(before.data.map((batch) => batch.id)).toEqual([ids[3], ids[2]]);
    expect(before.has_more).toBe(true);
    const last = await client.messages.batches.list({ limit: 2, before_id: ids[3] ?? '' });
    expect(last.data.map((batch) => batch.id)).toEqual([ids[4]]);
    expect(last.has_more).toBe(false);
  });

  it('deletes an ended batch, after which it is unknown', async () => {
    const created = await client.messages.batches.create({ requests: [{ custom_id: 'gone', params: params('x') }] });
    await client.messages.batches.retrieve(created.id);
    expect(await client.messages.batches.delete(created.id)).toEqual({ id: created.id, type: 'message_batch_deleted' });
    await expect(client.messages.batches.retrieve(created.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe('Anthropic message batches on a manual clock', () => {
  const clock = createManualClock();
  let emulator: RunningEmulator;
  let client: Anthropic;
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: KEY, clock, jobDurationMs: 10_000, pendingMs: 1000 });
    client = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('shows every request processing until the end, and a cancel keeps the answers made and cancels the rest', async () => {
    const requests = Array.from({ length: 4 }, (_, index) => ({ custom_id: `c-${index}`, params: params(`Question ${index}`) }));
    const created = await client.messages.batches.create({ requests });
    clock.advance(1000 + 5000); // half the requests are due
    const running = await client.messages.batches.retrieve(created.id);
    expect(running.processing_status).toBe('in_progress');
    expect(running.request_counts).toEqual({ processing: 4, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    await expect(client.messages.batches.results(created.id)).rejects.toThrow(/No batch `results_url`/);

    const canceling = await client.messages.batches.cancel(created.id);
    expect(canceling.processing_status).toBe('canceling');
    expect(canceling.cancel_initiated_at).toBe(new Date(clock.now()).toISOString());
    expect(canceling.request_counts.processing).toBe(4);
    await expect(client.messages.batches.delete(created.id)).rejects.toBeInstanceOf(Anthropic.BadRequestError);

    clock.advance(1000);
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 2, errored: 0, canceled: 2, expired: 0 });
    const results = await resultsOf(client, created.id);
    expect([...results.values()].filter((line) => line.result.type === 'canceled').map((line) => line.custom_id).sort()).toEqual(['c-2', 'c-3']);
    expect(results.get('c-0')?.result.type).toBe('succeeded');
    expect(emulator.stats().anthropic.batchesCanceled).toBe(1);
    // A second cancel leaves the ended batch as it is.
    expect((await client.messages.batches.cancel(created.id)).processing_status).toBe('ended');
  });
});
