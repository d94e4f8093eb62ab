import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoogleGenAI } from '@google/genai';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tempDir = mkdtempSync(join(tmpdir(), 'truebatch-emulator-cli-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function spawnCli(args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, stdio: 'pipe' });
}

function collect(child: ChildProcessWithoutNullStreams): { stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exit };
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        child.stdout.off('data', onData);
        resolve(buffered.slice(0, newline));
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', () => resolve(buffered));
  });
}

describe('truebatch emulator', () => {
  it('prints one listening line, serves the API behind its key, and exits cleanly on SIGTERM', async () => {
    const secret = 'cli-secret-key-42';
    const child = spawnCli(['emulator', '--port', '0', '--api-key', secret, '--seed', '3', '--job-duration', '0']);
    const output = collect(child);
    const line = await firstLine(child);
    const match = /^truebatch emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    expect(match, `${line}\n${output.stderr()}`).not.toBeNull();
    const url = match![1]!;

    expect((await fetch(`${url}/v1beta/files`, { headers: { 'x-goog-api-key': secret } })).status).toBe(200);
    expect((await fetch(`${url}/v1beta/files`)).status).toBe(401);

    child.kill('SIGTERM');
    expect(await output.exit).toBe(0);
    expect(output.stdout()).toBe(`${line}\n`);
    expect(output.stdout() + output.stderr()).not.toContain(secret);
  });

  it('with --state-dir, a restarted emulator still has the files and jobs of the one before', async () => {
    const stateDir = join(tempDir, 'state');
    const start = async (): Promise<{ url: string; stop: () => Promise<number | null> }> => {
      const child = spawnCli(['emulator', '--port', '0', '--state-dir', stateDir]);
      const output = collect(child);
      const url = /listening on (\S+)$/.exec(await firstLine(child))?.[1] ?? '';
      expect(url, output.stderr()).not.toBe('');
      return { url, stop: () => (child.kill('SIGTERM'), output.exit) };
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
    const output = collect(spawnCli(['emulator', '--port', '0', '--faults', file]));
    expect(await output.exit).toBe(2);
    expect(output.stderr()).toContain(`${file}: http.0.endpoint: `);
    expect(output.stdout()).toBe('');
  });
});
