import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../../test/support/cli.ts';
import { chatLine, uploadLines, waitForBatch } from './test-support.ts';

describe('truebatch emulator --provider openai', () => {
  it('prints the OpenAI base URL, which the official SDK uses unchanged', async () => {
    const secret = 'sk-cli-openai-secret';
    const cli = startCli(['emulator', '--port', '0', '--api-key', secret, '--job-duration', '0', '--provider', 'openai']);
    const line = await cli.firstLine();
    const url = /^truebatch emulator listening on (http:\/\/127\.0\.0\.1:\d+\/openai\/v1)$/.exec(line)?.[1];
    expect(url, `${line}\n${cli.stderr()}`).toBeDefined();
    const client = new OpenAI({ apiKey: secret, baseURL: url, maxRetries: 0 });
    const file = await uploadLines(client, [chatLine('a', 'cranes')]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await waitForBatch(client, batch.id)).status).toBe('completed');
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('refuses a provider it does not serve', async () => {
    const result = await startCli(['emulator', '--port', '0', '--provider', 'mistral']).done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--provider must be one of gemini, emulator, openai');
  });
});
