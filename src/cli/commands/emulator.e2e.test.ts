import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../../test/support/cli.ts';

const tempDir = mkdtempSync(join(tmpdir(), 'truebatch-emulator-cli-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('truebatch emulator', () => {
  it('prints one listening line, serves the API behind its key, and exits cleanly on SIGTERM', async () => {
    const secret = 'cli-secret-key-42';
    const cli = startCli(['emulator', '--port', '0', '--api-key', secret, '--seed', '3', '--job-duration', '0']);
    const line = await cli.firstLine();
    const match = /^truebatch emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    expect(match, `${line}\n${cli.stderr()}`).not.toBeNull();
    const url = match![1]!;

    expect((await fetch(`${url}/v1beta/files`, { headers: { 'x-goog-api-key': secret } })).status).toBe(200);
    expect((await fetch(`${url}/v1beta/files`)).status).toBe(401);

    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${line}\n`);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('with --provider anthropic, names the Anthropic base URL, served behind the same key', async () => {
    const secret = 'cli-secret-key-43';
    const cli = startCli(['--provider', 'anthropic', 'emulator', '--port', '0', '--api-key', secret]);
    const line = await cli.firstLine();
    const url = /^truebatch emulator listening on (http:\/\/127\.0\.0\.1:\d+\/anthropic)$/.exec(line)?.[1];
    expect(url, `${line}\n${cli.stderr()}`).toBeDefined();
    const headers = { 'x-api-key': secret, 'anthropic-version': '2023-06-01' };
    expect(await (await fetch(`${url}/v1/messages/batches`, { headers })).json()).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);
  });

  it('with --state-dir, a restarted emulator still has the files and jobs of the one before', async () => {
    const stateDir = join(tempDir, 'state');
    const start = async (): Promise<{ url: string; stop: () => Promise<number | null> }> => {
      const cli = startCli(['emulator', '--port', '0', '--state-dir', stateDir]);
      const url = /listening on (\S+)$/.exec(await cli.firstLine())?.[1] ?? '';
      expect(url, cli.stderr()).not.toBe('');
      return { url, stop: async () => (cli.child.kill('SIGTERM'), (await cli.done).code) };
    };
    const first = await start();
    const client = (url: string): GoogleGenAI => new GoogleGenAI({ apiKey: 'any', apiVersion: 'v1beta', httpOptions: { baseUrl: url } });
    const input = join(tempDir, 'in.jsonl');
    writeFileSync(input, '{"key":"a","request":{"contents":[{"role":"user","parts":[{"text":"Soil K rose 12 mg/kg."}]}]}}\n');
    const file = await client(first.url).files.upload({ file: input, config: { mimeType: 'jsonl' } });
    const batch = await client(first.url).batches.create({ model: 'gemini-2.5-flash', src: file.name ?? '', config: { displayName: 'kept' } });
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect((await client(second.url).files.get({ name: file.name ?? '' })).sizeBytes).toBe(file.sizeBytes);
    expect(await client(second.url).batches.get({ name: batch.name ?? '' })).toMatchObject({ name: batch.name, displayName: 'kept' });
    expect(await second.stop()).toBe(0);
  });

  it('rejects a bad fault script naming the file and the field (exit 2)', async () => {
    const file = join(tempDir, 'faults.json');
    writeFileSync(file, JSON.stringify({ http: [{ endpoint: 'files.nope', fault: 500 }] }));
    const result = await startCli(['emulator', '--port', '0', '--faults', file]).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: http.0.endpoint: `);
    expect(result.stdout).toBe('');
  });
});
