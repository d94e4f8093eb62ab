import { describe, expect, it } from 'vitest';
import { chatLine, fileLines, openAiEmulatorPerFile, uploadLines, waitForBatch } from './test-support.ts';

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
