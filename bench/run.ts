/**
 * @module `npm run bench`: builds dist/ if needed, runs the chosen corpus sizes and the polling scenario, each
 * against its own emulator child, and writes the results into BENCHMARKS.md after every scenario.
 */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, errorMessage, systemClock } from '../src/shared/index.ts';
import { buildNaiveBaseline, codeVersion, ensureBuilt } from './build.ts';
import { createCleanup } from './cleanup.ts';
import { runDashboard } from './dashboard.ts';
import { runPolling } from './polling.ts';
import { currentMachine, readBenchData, writeReport, type BenchData } from './report.ts';
import type { BenchEnv } from './scenario-support.ts';
import { runThroughput, SIZES, unmeasured, type SizeSpec } from './throughput.ts';

const USAGE = `usage: npm run bench -- [--small | --sizes 1k,10k,100k,1m,2gb | --sizes none] [--no-polling] [--no-dashboard] [--polling-job-ms 20000] [--no-build] [--corpus-cache DIR] [--seed 0] [--out BENCHMARKS.md]
  --no-build: run dist/ as it is (default: npm run build first when dist/ is older than src/).
  --no-dashboard: skip rendering every dashboard page from a synthetic 100k-document ledger.
  --corpus-cache DIR: keep each corpus in DIR and reuse it in later runs (remove DIR yourself when done).
  default: every size (${SIZES.map((size) => size.label).join(', ')}) and the polling scenario; --small: 1k and 10k.`;

interface BenchOptions {
  sizes: SizeSpec[];
  polling: boolean;
  dashboard: boolean;
  build: boolean;
  pollingJobMs: number;
  seed: number;
  out: string;
  corpusCache?: string;
}

function nonNegativeInt(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${flag} must be a non-negative integer, got "${raw}"\n${USAGE}`);
  return Number(raw);
}

function parseOptions(args: string[], repoRoot: string): BenchOptions | undefined {
  const { values } = parseArgs({
    args,
    options: {
      small: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      'no-polling': { type: 'boolean', default: false },
      'no-dashboard': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'polling-job-ms': { type: 'string', default: '20000' },
      seed: { type: 'string', default: '0' },
      out: { type: 'string', default: join(repoRoot, 'BENCHMARKS.md') },
      'corpus-cache': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const labels = values.sizes?.split(',').map((label) => label.trim().toLowerCase()).filter((label) => label !== '' && label !== 'none') ??
    (values.small ? ['1k', '10k'] : SIZES.map((size) => size.label));
  const sizes = labels.map((label) => {
    const size = SIZES.find((candidate) => candidate.label === label);
    if (!size) throw new ConfigError(`--sizes: unknown size "${label}"\n${USAGE}`);
    return size;
  });
  return {
    sizes,
    polling: !values['no-polling'],
    dashboard: !values['no-dashboard'],
    build: !values['no-build'],
    pollingJobMs: nonNegativeInt('--polling-job-ms', values['polling-job-ms']),
    seed: nonNegativeInt('--seed', values.seed),
    out: values.out,
    ...(values['corpus-cache'] === undefined ? {} : { corpusCache: resolve(values['corpus-cache']) }),
  };
}

async function main(): Promise<number> {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const options = parseOptions(process.argv.slice(2), repoRoot);
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (message: string): void => {
    process.stderr.write(`[bench ${new Date(systemClock.now()).toISOString().slice(11, 19)}] ${message}\n`);
  };
  const cleanup = createCleanup();
  const cliPath = options.build ? ensureBuilt(repoRoot, log) : join(repoRoot, 'dist', 'cli', 'main.js');
  const env: BenchEnv = {
    cliPath, naivePath: buildNaiveBaseline(repoRoot), baseEnv: process.env, seed: options.seed, cleanup, log,
    ...(options.corpusCache === undefined ? {} : { corpusCache: options.corpusCache }),
  };
  const code = codeVersion(repoRoot);
  const data: BenchData = { throughput: {}, ...readBenchData(options.out), machine: currentMachine() };
  let failures = 0;
  for (const size of options.sizes) {
    try {
      data.throughput[size.label] = { ...(await runThroughput(size, env)), code };
    } catch (error) {
      log(`${size.label}: ${errorMessage(error)}`);
      data.throughput[size.label] = { ...unmeasured(size.label, 'failed', errorMessage(error)), code };
    }
    if (cleanup.interrupted) return 130;
    if (['failed', 'timed out'].includes(data.throughput[size.label]?.status ?? '')) failures++;
    writeReport(options.out, data);
  }
  if (options.polling) {
    try {
      data.polling = { ...(await runPolling(env, { jobDurationMs: options.pollingJobMs, documents: 100 })), code };
      if (data.polling.status !== 'ok') failures++;
    } catch (error) {
      log(`polling: ${errorMessage(error)}`);
      failures++;
    }
    if (cleanup.interrupted) return 130;
    writeReport(options.out, data);
  }
  if (options.dashboard) {
    try {
      data.dashboard = { ...(await runDashboard(env)), code };
    } catch (error) {
      log(`dashboard: ${errorMessage(error)}`);
      failures++;
    }
    if (cleanup.interrupted) return 130;
    writeReport(options.out, data);
  }
  log(`results written to ${options.out}`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`bench: ${errorMessage(error)}\n`);
  return error instanceof ConfigError ? 2 : 1;
});
