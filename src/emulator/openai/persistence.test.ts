import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../shared/index.ts';
import { startEmulator } from '../start-emulator.ts';
import { makeTempDir } from '../test-support.ts';
import { TEST_KEY, chatLine, fileLines, uploadLines } from './test-support.ts';

const temp = makeTempDir('truebatch-openai-persist-');
afterAll(() => temp.remove());

describe('a persisting emulator restarted over the same folder', () => {
  it('still knows files and batches: an ended batch keeps its output, a running one runs again from its first line', async () => {
    const clock = createManualClock();
    const options = { apiKey: TEST_KEY, clock, pendingMs: 0, jobDurationMs: 1000, storageDir: temp.dir, persist: true };
    const first = await startEmulator(options);
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: first.openaiUrl, maxRetries: 0 });
    const file = await uploadLines(client, [chatLine('a', 'cranes'), chatLine('b', 'harbours')]);
    const params = { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' } as const;
    const ended = await client.batches.create(params);
    clock.advance(1000);
    const endedBefore = await client.batches.retrieve(ended.id);
    expect(endedBefore.status).toBe('completed');
    const running = await client.batches.create(params);
    clock.advance(500);
    expect(await client.batches.retrieve(running.id)).toMatchObject({ status: 'in_progress', request_counts: { completed: 1 } });
    await first.close();

    const second = await startEmulator(options);
    try {
      const again = new OpenAI({ apiKey: TEST_KEY, baseURL: second.openaiUrl, maxRetries: 0 });
      expect(await again.files.retrieve(file.id)).toMatchObject({ id: file.id, bytes: file.bytes });
      expect(await again.batches.retrieve(ended.id)).toEqual(endedBefore);
      expect((await fileLines(again, endedBefore.output_file_id ?? '')).map((line) => line['custom_id']).sort()).toEqual(['a', 'b']);
      clock.advance(1000);
      const rerun = await again.batches.retrieve(running.id);
      expect(rerun).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect(await fileLines(again, rerun.output_file_id ?? '')).toHaveLength(2);
      // A new id never repeats one the first emulator handed out.
      const third = await again.batches.create(params);
      expect([ended.id, running.id]).not.toContain(third.id);
    } finally {
      await second.close();
    }
  });

  it('completes a batch that was finalizing, with the results it had stored', async () => {
    const clock = createManualClock();
    const options = { apiKey: TEST_KEY, clock, pendingMs: 1000, jobDurationMs: 1000, storageDir: `${temp.dir}/finalizing`, persist: true };
    const first = await startEmulator(options);
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: first.openaiUrl, maxRetries: 0 });
    const file = await uploadLines(client, [chatLine('a', 'cranes'), chatLine('b', 'harbours')]);
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    clock.advance(2000);
    expect((await client.batches.retrieve(created.id)).status).toBe('finalizing');
    await first.close();

    const second = await startEmulator(options);
    try {
      const again = new OpenAI({ apiKey: TEST_KEY, baseURL: second.openaiUrl, maxRetries: 0 });
      clock.advance(1000);
      const done = await again.batches.retrieve(created.id);
      expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
      expect(await fileLines(again, done.output_file_id ?? '')).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
