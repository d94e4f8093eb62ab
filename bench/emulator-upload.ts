/**
 * @module Benchmark: a big JSONL batch through the emulator, end to end over real HTTP, to show that uploads,
 * job processing and downloads stream (the emulator's peak RSS stays far below the file size).
 *
 * Run: `npx tsx bench/emulator-upload.ts [--mb 200]`. It writes a JSONL input of at least `--mb` MiB to a temp
 * folder (streamed), starts `truebatch emulator` in a child process (so its memory is measured alone), uploads the
 * file with the official SDK, runs a batch with --job-duration 0, polls it to SUCCEEDED, downloads the results,
 * and prints the wall time of each phase and the emulator's peak RSS (VmHWM from /proc/<pid>/status).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GoogleGenAI } from '@google/genai';
import { ProviderError, systemClock } from '../src/shared/index.ts';

const API_KEY = 'bench-emulator-key';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function writeInput(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path);
  const filler = 'The soil sample from plot K shows moderate clay content and a pH near neutral. '.repeat(11);
  let bytes = 0;
  let lines = 0;
  while (bytes < targetBytes) {
    const line = `${JSON.stringify({
      key: `doc-${lines}`,
      request: {
        contents: [{ role: 'user', parts: [{ text: `Document ${lines}: ${filler}` }] }],
        generationConfig: { temperature: 0 },
      },
    })}\n`;
    bytes += Buffer.byteLength(line);
    lines++;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

async function startChild(): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--port', '0', '--job-duration', '0', '--api-key', API_KEY],
    { cwd: repoRoot, stdio: 'pipe' },
  );
  child.stderr.pipe(process.stderr);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const url = /listening on (\S+)$/.exec(line)?.[1];
  if (url === undefined) {
    child.kill('SIGTERM');
    throw new ProviderError('emulator', `unexpected emulator output: ${line}`, { isRetryable: false });
  }
  return { child, url };
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kib / 1024;
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

async function main(): Promise<void> {
  const megabytes = argument('mb', 200);
  const dir = mkdtempSync(join(tmpdir(), 'truebatch-bench-'));
  const input = join(dir, 'input.json');
  const output = join(dir, 'output.jsonl');
  const timings: [string, number, number | undefined][] = [];
  let mark = performance.now();
  const tracked: { pid?: number } = {};
  const lap = async (name: string): Promise<void> => {
    const now = performance.now();
    timings.push([name, (now - mark) / 1000, tracked.pid === undefined ? undefined : await peakRssMiB(tracked.pid)]);
    mark = performance.now();
  };

  const requests = await writeInput(input, megabytes * 1024 * 1024);
  const inputBytes = (await stat(input)).size;
  await lap('generate input');
  const { child, url } = await startChild();
  if (child.pid !== undefined) tracked.pid = child.pid;
  await lap('start emulator');
  const started = performance.now();
  try {
    const ai = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: url } });
    const file = await ai.files.upload({ file: input, config: { mimeType: 'application/json' } });
    await lap('upload');
    let job = await ai.batches.create({ model: 'gemini-2.5-flash', src: file.name ?? '' });
    await lap('create batch');
    while (!['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'].includes(job.state ?? '')) {
      await systemClock.sleep(500);
      job = await ai.batches.get({ name: job.name ?? '' });
    }
    await lap(`run to ${job.state}`);
    await ai.files.download({ file: job.dest?.fileName ?? '', downloadPath: output });
    await lap('download');
    const resultLines = await countLines(output);
    const peak = await peakRssMiB(child.pid ?? 0);
    const lines = [
      `input: ${(inputBytes / 1024 / 1024).toFixed(1)} MiB, ${requests} requests; results: ${resultLines} lines, ${((await stat(output)).size / 1024 / 1024).toFixed(1)} MiB`,
      ...timings.map(
        ([name, seconds, peak]) =>
          `  ${name.padEnd(26)} ${seconds.toFixed(2).padStart(7)} s${peak === undefined ? '' : `   emulator VmHWM so far ${peak.toFixed(1)} MiB`}`,
      ),
      `wall time (upload → download): ${((performance.now() - started) / 1000).toFixed(2)} s`,
      `emulator peak RSS (VmHWM): ${peak.toFixed(1)} MiB`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
