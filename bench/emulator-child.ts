/**
 * @module The emulator as a child process (`truebatch emulator --port 0`), sampled like the CLI, with its storage
 * inside the benchmark's temp folder (TMPDIR) so nothing survives the benchmark.
 */
import { join } from 'node:path';
import { ProviderError, systemClock } from '../src/shared/index.ts';
import type { Cleanup } from './cleanup.ts';
import { runSampled, type SampledRun } from './process-sampler.ts';

/** The emulator's counters, as GET /emulator/stats returns them (the fields the bench reads). */
export interface EmulatorStatsJson {
  bytesUploaded: number;
  requestsProcessed: number;
  batchesCreated: number;
  endpointCalls: Record<string, number>;
}

/** A running emulator child. */
export interface EmulatorChild {
  url: string;
  stats(): Promise<EmulatorStatsJson>;
  /** GET /v1beta/<name> (a batch operation) as JSON. */
  getJson(name: string): Promise<unknown>;
  /** SIGTERM, then the sampled run (its peak RSS). */
  stop(): Promise<SampledRun>;
}

/** What the emulator child runs with. */
export interface EmulatorChildOptions {
  cliPath: string;
  dir: string;
  apiKey: string;
  jobDurationMs: number;
  baseEnv: NodeJS.ProcessEnv;
  timeoutMs: number;
}

const LISTENING = /truebatch emulator listening on (http:\/\/\S+)/;

/** Starts the emulator and waits (up to 30 s) for its listening line. */
export async function startEmulatorChild(options: EmulatorChildOptions, cleanup: Cleanup): Promise<EmulatorChild> {
  const args = [options.cliPath, 'emulator', '--port', '0', '--job-duration', String(options.jobDurationMs), '--api-key', options.apiKey];
  const { child, done } = runSampled(process.execPath, args, {
    cwd: options.dir,
    env: { ...options.baseEnv, TMPDIR: options.dir },
    logFile: join(options.dir, 'emulator.log'),
    pipeStdout: true,
    timeoutMs: options.timeoutMs,
  }, cleanup);
  const ready = new AbortController();
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const fail = (why: string): void => reject(new ProviderError('emulator', `the emulator child ${why}; see ${options.dir}/emulator.log`, { isRetryable: false }));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = LISTENING.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    void done.then((run) => fail(`exited (code ${run.code})`));
    systemClock.sleep(30_000, ready.signal).then(() => fail('printed no listening line within 30 s'), () => undefined);
  }).finally(() => ready.abort());
  const headers = { 'x-goog-api-key': options.apiKey };
  const getJson = async (path: string): Promise<unknown> => {
    const response = await fetch(`${url}/${path}`, { headers });
    if (!response.ok) throw new ProviderError('emulator', `GET ${path}: HTTP ${response.status}`, { isRetryable: false, status: response.status });
    return response.json();
  };
  return {
    url,
    stats: async () => (await getJson('emulator/stats')) as EmulatorStatsJson,
    getJson: (name) => getJson(`v1beta/${name}`),
    async stop() {
      child.kill('SIGTERM');
      return done;
    },
  };
}
