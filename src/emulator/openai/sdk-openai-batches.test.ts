import { Ajv2020 } from 'ajv/dist/2020.js';
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { makePdf } from '../../../test/support/documents.ts';
import { TEST_KEY, chatLine, fileLines, openAiEmulatorPerFile, uploadLines, waitForBatch } from './test-support.ts';

const setup = openAiEmulatorPerFile();

describe('OpenAI Batch emulator through the official openai SDK', () => {
  it('uploads a JSONL, runs a batch to completed and answers every custom_id with a chat.completion', async () => {
    const { client } = setup;
    const lines = Array.from({ length: 5 }, (_, index) => chatLine(`doc-${index}`, `Summarise document ${index}: the cat sat on the mat.`));
    const file = await uploadLines(client, lines);
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'input.jsonl', status: 'processed' });
    expect(file.id).toMatch(/^file-/);
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { run: 'r1' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', request_counts: { total: 0, completed: 0, failed: 0 }, metadata: { run: 'r1' } });
    expect(created.id).toMatch(/^batch_/);
    const done = await waitForBatch(client, created.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 5, completed: 5, failed: 0 }, error_file_id: null, model: 'gpt-4o-mini' });
    expect(done.in_progress_at).toBeTypeOf('number');
    expect(done.finalizing_at).toBeTypeOf('number');
    expect(done.completed_at).toBeTypeOf('number');
    expect(done.output_file_id).toMatch(/^file-/);
    const output = await fileLines(client, done.output_file_id ?? '');
    expect(output.map((line) => line['custom_id']).sort()).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    for (const line of output) {
      expect(line['error']).toBeNull();
      expect(line['id']).toMatch(/^batch_req_/);
      const response = line['response'] as { status_code: number; body: Record<string, unknown> };
      expect(response.status_code).toBe(200);
      expect(response.body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini' });
      const choice = (response.body['choices'] as { message: { content: string }; finish_reason: string }[])[0];
      expect(choice?.finish_reason).toBe('stop');
      expect(choice?.message.content.length).toBeGreaterThan(0);
      const usage = response.body['usage'] as Record<string, unknown>;
      expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
      expect(usage['total_tokens']).toBe((usage['prompt_tokens'] as number) + (usage['completion_tokens'] as number));
    }
    expect(done.usage?.input_tokens).toBeGreaterThan(0);
  });
});

describe('OpenAI Batch emulator: structured outputs, limits and usage', () => {
  it('answers response_format json_schema with JSON that validates against the schema', async () => {
    const { client } = setup;
    const schema = {
      type: 'object',
      properties: { title: { type: 'string' }, year: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['title', 'year', 'tags'],
      additionalProperties: false,
    };
    const format = { type: 'json_schema', json_schema: { name: 'paper', schema, strict: true } };
    const lines = [0, 1, 2].map((index) => chatLine(`p-${index}`, `Paper ${index}: "Deep cats" (2019), tags cats, mats.`, { response_format: format, temperature: 0, seed: 7 }));
    const batch = await client.batches.create({ input_file_id: (await uploadLines(client, lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const done = await waitForBatch(client, batch.id);
    expect(done.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const line of await fileLines(client, done.output_file_id ?? '')) {
      const body = (line['response'] as { body: { choices: { message: { content: string } }[] } }).body;
      const value: unknown = JSON.parse(body.choices[0]?.message.content ?? '');
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('answers /v1/responses batches with response objects: output_text following text.format, Responses usage', async () => {
    const { client } = setup;
    const schema = { type: 'object', properties: { crane: { type: 'string' } }, required: ['crane'], additionalProperties: false };
    const line = (customId: string, body: Record<string, unknown>): Record<string, unknown> => ({
      custom_id: customId,
      method: 'POST',
      url: '/v1/responses',
      body: { model: 'gpt-4.1-mini', instructions: 'Extract the crane.', ...body },
    });
    const lines = [
      line('json', { input: 'The harbour crane Goliath lifts ships.', text: { format: { type: 'json_schema', name: 'crane', schema, strict: true } } }),
      line('cut', { input: [{ role: 'user', content: [{ type: 'input_text', text: 'Describe the harbour crane Goliath at length. '.repeat(10) }] }], max_output_tokens: 2 }),
      line('call', { input: 'Goliath', tools: [{ type: 'function', name: 'record', parameters: schema }], tool_choice: { type: 'function', name: 'record' } }),
    ];
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines)).id, endpoint: '/v1/responses', completion_window: '24h' });
    const done = await waitForBatch(client, created.id);
    expect(done).toMatchObject({ status: 'completed', endpoint: '/v1/responses', request_counts: { total: 3, completed: 3, failed: 0 } });
    const byId = new Map((await fileLines(client, done.output_file_id ?? '')).map((entry) => [entry['custom_id'], (entry['response'] as { body: OpenAI.Responses.Response }).body]));
    const json = byId.get('json');
    expect(json).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4.1-mini', usage: { input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } });
    const message = json?.output.find((item) => item.type === 'message');
    const text = message?.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : '';
    expect(new Ajv2020({ strict: false }).compile(schema)(JSON.parse(text))).toBe(true);
    expect(byId.get('cut')).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const call = byId.get('call')?.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'record', call_id: expect.stringMatching(/^call_/) });
    expect(new Ajv2020({ strict: false }).compile(schema)(JSON.parse(call?.type === 'function_call' ? call.arguments : ''))).toBe(true);
  });

  it('reads a PDF given as a file part (file_data) and answers from its text; a forced function call comes back as tool_calls', async () => {
    const { client } = setup;
    const pdf = await makePdf(['The Goliath crane in Rotterdam lifts 1200 tonnes.', 'It was built in 1984 by Kone.']);
    const pdfPart = { type: 'file', file: { filename: 'crane.pdf', file_data: `data:application/pdf;base64,${pdf.toString('base64')}` } };
    const parameters = { type: 'object', properties: { crane: { type: 'string' }, tonnes: { type: 'integer' } }, required: ['crane', 'tonnes'], additionalProperties: false };
    const lines = [
      chatLine('pdf', '', { messages: [{ role: 'user', content: [{ type: 'text', text: 'Which crane is this about?' }, pdfPart] }] }),
      chatLine('text-only', 'Which crane is this about?'),
      chatLine('call', 'Record the crane: Goliath, 1200 tonnes.', {
        tools: [{ type: 'function', function: { name: 'record_crane', parameters } }],
        tool_choice: { type: 'function', function: { name: 'record_crane' } },
      }),
      chatLine('by-id', '', { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] }),
    ];
    const done = await waitForBatch(client, (await client.batches.create({ input_file_id: (await uploadLines(client, lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(done.request_counts).toEqual({ total: 4, completed: 3, failed: 1 });
    const byId = new Map((await fileLines(client, done.output_file_id ?? '')).map((line) => [line['custom_id'], (line['response'] as { body: OpenAI.ChatCompletion }).body]));
    const withPdf = byId.get('pdf');
    const without = byId.get('text-only');
    // The PDF's pages cost tokens and its text is what the answer is made of.
    expect(withPdf?.usage?.prompt_tokens).toBeGreaterThan((without?.usage?.prompt_tokens ?? 0) + 100);
    expect(withPdf?.choices[0]?.message.content).toMatch(/Goliath|Rotterdam|Kone|crane/);
    const call = byId.get('call')?.choices[0];
    expect(call?.finish_reason).toBe('tool_calls');
    const toolCall = call?.message.tool_calls?.[0];
    expect(toolCall?.type === 'function' ? toolCall.function.name : undefined).toBe('record_crane');
    const args: unknown = JSON.parse(toolCall?.type === 'function' ? toolCall.function.arguments : '');
    expect(new Ajv2020({ strict: false }).compile(parameters)(args)).toBe(true);
    const [refused] = await fileLines(client, done.error_file_id ?? '');
    expect(refused).toMatchObject({ custom_id: 'by-id', response: { status_code: 400, body: { error: { param: 'messages[0].content[0].file' } } } });
  });

  it('rejects a strict schema without additionalProperties:false per line, as a 400 inside response in the error file', async () => {
    const { client } = setup;
    const format = { type: 'json_schema', json_schema: { name: 'loose', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } };
    const batch = await client.batches.create({
      input_file_id: (await uploadLines(client, [chatLine('loose-1', 'x', { response_format: format }), chatLine('ok-1', 'fine')])).id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const done = await waitForBatch(client, batch.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 1, failed: 1 } });
    const [rejected] = await fileLines(client, done.error_file_id ?? '');
    expect(rejected).toMatchObject({ custom_id: 'loose-1', error: null, response: { status_code: 400, body: { error: { type: 'invalid_request_error', code: 'invalid_json_schema' } } } });
    expect(JSON.stringify(rejected)).toContain("Invalid schema for response_format 'loose'");
  });

  it('cuts an answer at max_completion_tokens with finish_reason length, and reports reasoning tokens for reasoning models', async () => {
    const { client } = setup;
    const long = 'The committee reviewed forty-two documents about harbour cranes and their maintenance schedules. '.repeat(20);
    const lines = [chatLine('short', `Repeat everything: ${long}`, { max_completion_tokens: 3 }), chatLine('o', 'Think about it.', { model: 'gpt-4o-mini' })];
    const done = await waitForBatch(client, (await client.batches.create({ input_file_id: (await uploadLines(client, lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    const byId = new Map((await fileLines(client, done.output_file_id ?? '')).map((line) => [line['custom_id'], line]));
    const short = byId.get('short') as { response: { body: { choices: { finish_reason: string }[]; usage: { completion_tokens: number } } } };
    expect(short.response.body.choices[0]?.finish_reason).toBe('length');
    expect(short.response.body.usage.completion_tokens).toBeLessThanOrEqual(3);

    const reasoning = await waitForBatch(
      client,
      (await client.batches.create({ input_file_id: (await uploadLines(client, [chatLine('r', 'Think about harbour cranes.', { model: 'o4-mini' })])).id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id,
    );
    const [line] = await fileLines(client, reasoning.output_file_id ?? '');
    const usage = (line?.['response'] as { body: { usage: { completion_tokens: number; completion_tokens_details: { reasoning_tokens: number } } } }).body.usage;
    expect(usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(usage.completion_tokens_details.reasoning_tokens);
    expect(reasoning.usage?.output_tokens_details.reasoning_tokens).toBe(usage.completion_tokens_details.reasoning_tokens);
  });

  it('fails a batch at validation on a bad line, a wrong url or a duplicate custom_id, naming each line', async () => {
    const { client } = setup;
    const lines = [
      chatLine('a', 'fine'),
      '{not json',
      { ...chatLine('b', 'x'), url: '/v1/embeddings' },
      chatLine('a', 'again'),
      { custom_id: 'c', method: 'POST', url: '/v1/chat/completions' },
    ];
    const created = await client.batches.create({ input_file_id: (await uploadLines(client, lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const done = await waitForBatch(client, created.id);
    expect(done).toMatchObject({ status: 'failed', output_file_id: null, error_file_id: null, request_counts: { total: 0, completed: 0, failed: 0 } });
    expect(done.failed_at).toBeTypeOf('number');
    expect(done.errors?.data?.map((error) => [error.code, error.line])).toEqual([
      ['invalid_json_line', 2],
      ['mismatched_url', 3],
      ['duplicate_custom_id', 4],
      ['missing_required_parameter', 5],
    ]);
  });

  it('fails a batch of more than 50,000 requests at validation', async () => {
    const { client } = setup;
    const line = (index: number): string => `{"custom_id":"r${index}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}`;
    const file = await uploadLines(client, Array.from({ length: 50_001 }, (_, index) => line(index)));
    const done = await waitForBatch(client, (await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    expect(done).toMatchObject({ status: 'failed', errors: { data: [{ code: 'too_many_requests', line: null }] } });
  });

  it('refuses a create with a bad completion_window, too much metadata, an unknown file or an endpoint it does not answer', async () => {
    const { client } = setup;
    const file = await uploadLines(client, [chatLine('a', 'x')]);
    const create = (body: Record<string, unknown>): Promise<unknown> =>
      client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', ...body } as never);
    await expect(create({ completion_window: '48h' })).rejects.toMatchObject({ status: 400, param: 'completion_window' });
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    await expect(create({ metadata })).rejects.toMatchObject({ status: 400, param: 'metadata' });
    await expect(create({ input_file_id: 'file-nope' })).rejects.toMatchObject({ status: 404, error: { message: 'No such File object: file-nope' } });
    await expect(create({ endpoint: '/v1/nope' })).rejects.toMatchObject({ status: 400, param: 'endpoint', code: 'invalid_value' });
    await expect(create({ endpoint: '/v1/embeddings' })).rejects.toMatchObject({ status: 400, param: 'endpoint' });
    await expect(client.files.create({ file: await toFile(Buffer.from('{}\n'), 'input.csv'), purpose: 'batch' })).rejects.toMatchObject({
      status: 400,
      error: { message: 'Invalid file format for Batch API. Must be .jsonl' },
    });
  });
});

describe('OpenAI Batch emulator: files, lists, auth, not found', () => {
  it('lists batches newest first in pages with after/has_more, as the SDK iterates them', async () => {
    const { client } = setup;
    const file = await uploadLines(client, [chatLine('a', 'x')]);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push((await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    const first = await client.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const second = await first.getNextPage();
    expect(second.data[0]?.id).toBe(ids[0]);
    const all: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('gets, lists, downloads and deletes files', async () => {
    const { client } = setup;
    const file = await uploadLines(client, [chatLine('a', 'hello')], 'mine.jsonl');
    expect(await client.files.retrieve(file.id)).toMatchObject({ id: file.id, filename: 'mine.jsonl', bytes: file.bytes, purpose: 'batch' });
    const listed: string[] = [];
    for await (const listedFile of client.files.list({ purpose: 'batch' })) listed.push(listedFile.id);
    expect(listed[0]).toBe(file.id);
    expect(await fileLines(client, file.id)).toEqual([chatLine('a', 'hello')]);
    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404, error: { type: 'invalid_request_error' } });
  });

  it('answers a missing or wrong key with 401 in OpenAI error shape, and an unknown batch with 404', async () => {
    const { client, emulator } = setup;
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: emulator.openaiUrl, maxRetries: 0 });
    await expect(wrong.batches.list()).rejects.toMatchObject({ status: 401, error: { type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
    const missing = await fetch(`${emulator.openaiUrl}/batches`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', code: null, param: null } });
    await expect(client.batches.retrieve('batch_nope')).rejects.toMatchObject({ status: 404, error: { message: 'No such Batch: batch_nope' } });
    const unknown = await fetch(`${emulator.openaiUrl}/assistants`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: 'Invalid URL (GET /v1/assistants)', type: 'invalid_request_error', param: null, code: null } });
    const found = await client.batches.list().withResponse();
    expect(found.request_id).toMatch(/^req_/);
  });
});
