/**
 * @module The throughput scenario: one corpus size through `truebatch run` (built CLI, child process) against an
 * emulator child with an instant model, beside the I/O floor of the same corpus.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../src/shared/index.ts';
import { cachedCorpus, writeCorpus, writeProject } from './corpus.ts';
import { startEmulatorChild } from './emulator-child.ts';
import { measureIoFloor, measureReadOnce } from './io-floor.ts';
import { runSampled, type SampledRun } from './process-sampler.ts';
import { BENCH_API_KEY, filesBytes, flushDisk, formatBytes, logTail, queryLedger, runTruebatch, type BenchEnv } from './scenario-support.ts';

/** One corpus size. */
export interface SizeSpec {
  label: string;
  count: number;
  docBytes: number;
  /** Bound on the CLI run. */
  timeoutMs: number;
  /** Shard limits raised so the whole corpus is one job. */
  oneShard: boolean;
  /** Skip (with a message) when the temp folder's disk has less free space. */
  minFreeBytes: number;
  /**
   * Also run the naive baseline (bench/naive-baseline.ts) on the same corpus, right before truebatch. Not at 1m:
   * its one JSONL of ~2.4 GB cannot be one string in node (V8's limit is ~0.5 G characters).
   */
  naive: boolean;
}

const MINUTE = 60_000;
const GB = 1_000_000_000;

/** The sizes the bench knows, by label. */
export const SIZES: readonly SizeSpec[] = [
  { label: '1k', count: 1_000, docBytes: 2_000, timeoutMs: 5 * MINUTE, oneShard: false, minFreeBytes: GB, naive: true },
  { label: '10k', count: 10_000, docBytes: 2_000, timeoutMs: 15 * MINUTE, oneShard: false, minFreeBytes: GB, naive: true },
  { label: '100k', count: 100_000, docBytes: 2_000, timeoutMs: 60 * MINUTE, oneShard: false, minFreeBytes: 4 * GB, naive: true },
  // 1M small files take ~4 GB of disk blocks each time (corpus, each I/O floor's outputs, truebatch's outputs), plus
  // the ledger, shard and result files.
  { label: '1m', count: 1_000_000, docBytes: 2_000, timeoutMs: 180 * MINUTE, oneShard: false, minFreeBytes: 30 * GB, naive: false },
  // 20k × 96 KB ≈ 1.93 GB of requests: under both the 2e9-byte shard cap and the emulator's 2 GiB upload limit.
  { label: '2gb', count: 20_000, docBytes: 96_000, timeoutMs: 120 * MINUTE, oneShard: true, minFreeBytes: 8 * GB, naive: false },
];

/** What one size measured. */
export interface ThroughputResult {
  label: string;
  status: 'ok' | 'failed' | 'timed out' | 'skipped';
  note?: string;
  measuredAt: string;
  /** The commit measured (`+`: with uncommitted changes in src/). */
  code?: string;
  documents: number;
  corpusBytes: number;
  jobs: number;
  valid: number;
  wallMs: number;
  cliPeakRss: number;
  /** When the CLI's RSS peaked, in ms after its start. */
  cliPeakAtMs?: number;
  emulatorPeakRss: number;
  /** CPU time (user + system, every thread) of the CLI and of the emulator; absent in rows from before 29 Nov 19:30. */
  cliCpuMs?: number;
  emulatorCpuMs?: number;
  bytesUploaded: number;
  bytesDownloaded: number;
  floorMs: number;
  /** Where the CLI's wall time went, from the ledger's timestamps. */
  phases?: Phases;
  /** The naive baseline on the same corpus and a fresh emulator, measured right before truebatch. */
  naive?: NaiveResult;
  /** `truebatch plan` over the corpus, beside one plain read of every document (absent before 6 Dec). */
  plan?: { wallMs: number; cliPeakRss: number; readOnceMs: number };
  /** /proc/loadavg's 1-minute load when the size started (the machine is shared). */
  loadBefore?: number;
}

/** What the naive baseline measured. */
export interface NaiveResult {
  status: 'ok' | 'failed' | 'timed out';
  note?: string;
  wallMs: number;
  peakRss: number;
  cpuMs: number;
  /** Output files it wrote. */
  written: number;
}

/**
 * Plan (start → first job planned), submit (→ last job created; jobs that finish meanwhile are collected during the
 * uploads), tail (→ last job collected), and collect (time spent collecting, within submit and tail).
 */
export interface Phases {
  planMs: number;
  submitMs: number;
  /** Absent in rows measured before 29 Nov 16:45, when collection did not overlap submission. */
  tailMs?: number;
  collectMs: number;
}

function phasesOf(projectDir: string, startedAtMs: number): Phases | undefined {
  const [marks] = queryLedger<{ planned: number | null; submitted: number | null }>(
    projectDir,
    "SELECT (SELECT MIN(at) FROM events WHERE kind = 'job-planned') AS planned, (SELECT MAX(at) FROM events WHERE kind = 'job-submitted') AS submitted",
  );
  if (!marks?.planned || !marks.submitted) return undefined;
  let collectMs = 0;
  let previous = 0;
  let lastCollected = marks.submitted;
  for (const job of queryLedger<{ finished_at: number; collected_at: number }>(
    projectDir,
    'SELECT finished_at, collected_at FROM jobs WHERE collected_at IS NOT NULL ORDER BY collected_at',
  )) {
    collectMs += job.collected_at - Math.max(job.finished_at, previous);
    previous = job.collected_at;
    lastCollected = Math.max(lastCollected, job.collected_at);
  }
  return { planMs: marks.planned - startedAtMs, submitMs: marks.submitted - marks.planned, tailMs: lastCollected - marks.submitted, collectMs };
}

/**
 * One run of the I/O floor over `docsDir`, with dirty pages flushed before and after so that neither it nor the
 * step after it pays for the other's writeback. The bench runs it before and after truebatch and keeps the faster.
 * Its files are left in `dir` until the scenario ends: on ext4, creating files soon after many were deleted is
 * several times slower (the allocator checks each recently freed inode), so deleting the floor's 100k outputs
 * right before truebatch ran used to slow truebatch's file creation alone, and made the ratio unfair. Only its
 * one big JSONL is removed at once (one file, and up to 2 GB of disk).
 */
async function timeIoFloor(dir: string, docsDir: string, run: number): Promise<number> {
  const floorDir = join(dir, `floor-${run}`);
  mkdirSync(floorDir);
  await flushDisk();
  const { wallMs, jsonlPath } = await measureIoFloor(docsDir, floorDir);
  rmSync(jsonlPath);
  await flushDisk();
  return wallMs;
}

/** The 1-minute load average (the machine is shared: the findings note it). */
function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/**
 * The naive baseline over `docsDir` against its own fresh emulator (so truebatch's emulator starts as empty as the
 * baseline's). Its output files stay until the scenario ends (see timeIoFloor); its two big JSONL files go at once.
 */
async function runNaive(env: BenchEnv, size: SizeSpec, dir: string, projectDir: string, docsDir: string): Promise<NaiveResult> {
  const naiveDir = join(dir, 'naive');
  mkdirSync(naiveDir);
  await flushDisk();
  env.log(`${size.label}: naive baseline`);
  const emulator = await startEmulatorChild(
    { cliPath: env.cliPath, dir: naiveDir, apiKey: BENCH_API_KEY, jobDurationMs: 0, baseEnv: env.baseEnv, timeoutMs: size.timeoutMs + MINUTE },
    env.cleanup,
  );
  let run: SampledRun;
  try {
    run = await runSampled(process.execPath, [env.naivePath, docsDir, join(naiveDir, 'outputs'), join(projectDir, 'prompt.md'), join(projectDir, 'schema.json')], {
      cwd: naiveDir,
      env: { ...env.baseEnv, GEMINI_API_KEY: BENCH_API_KEY, GOOGLE_GEMINI_BASE_URL: emulator.url },
      logFile: join(naiveDir, 'naive.log'),
      timeoutMs: size.timeoutMs,
    }, env.cleanup).done;
  } finally {
    await emulator.stop();
  }
  const log = join(naiveDir, 'naive.log');
  const written = /"written":(\d+)/.exec(existsSync(log) ? readFileSync(log, 'utf8') : '')?.[1];
  for (const big of ['naive-requests.jsonl', 'naive-results.jsonl']) rmSync(join(naiveDir, big), { force: true });
  await flushDisk();
  const status = run.timedOut ? 'timed out' : run.code === 0 ? 'ok' : 'failed';
  env.log(`${size.label}: naive baseline ${status} in ${(run.wallMs / 1000).toFixed(1)} s, peak RSS ${formatBytes(run.peakRssBytes)}`);
  return {
    status,
    ...(status === 'ok' ? {} : { note: `exit ${run.code ?? run.signal}: ${logTail(log)}` }),
    wallMs: run.wallMs,
    peakRss: run.peakRssBytes,
    cpuMs: run.cpuMs,
    written: Number(written ?? 0),
  };
}

/** A result with nothing measured yet, stamped now. */
export function unmeasured(label: string, status: ThroughputResult['status'], note?: string): ThroughputResult {
  return {
    label, status, ...(note === undefined ? {} : { note }), measuredAt: new Date(systemClock.now()).toISOString(),
    documents: 0, corpusBytes: 0, jobs: 0, valid: 0, wallMs: 0, cliPeakRss: 0, emulatorPeakRss: 0, bytesUploaded: 0, bytesDownloaded: 0, floorMs: 0,
  };
}

/** Runs one size end to end; the temp folder and children are gone when it returns or throws. */
export async function runThroughput(size: SizeSpec, env: BenchEnv): Promise<ThroughputResult> {
  const empty = unmeasured(size.label, 'ok');
  const dir = env.cleanup.tempDir(`tb-bench-${size.label}-`);
  try {
    const stats = statfsSync(dir);
    const free = stats.bavail * stats.bsize;
    if (free < size.minFreeBytes) {
      const note = `skipped: ${formatBytes(free)} free in ${dir}, needs ${formatBytes(size.minFreeBytes)}`;
      env.log(`${size.label}: ${note}`);
      return unmeasured(size.label, 'skipped', note);
    }
    const projectDir = join(dir, 'project');
    const spec = { count: size.count, docBytes: size.docBytes, seed: env.seed };
    env.log(`${size.label}: ${env.corpusCache ? `corpus cached in ${env.corpusCache}, or` : ''} writing ${size.count} documents of ~${formatBytes(size.docBytes)}`);
    const corpus = env.corpusCache ? await cachedCorpus(env.corpusCache, spec) : { ...(await writeCorpus(projectDir, spec)), docsDir: join(projectDir, 'docs') };
    mkdirSync(projectDir, { recursive: true });
    const floorMs = [await timeIoFloor(dir, corpus.docsDir, 1)];
    writeProject(projectDir, {
      // Short polling: with an instant model, waiting between polls would only measure the poll interval.
      polling: { initialIntervalMs: 250, maxIntervalMs: 1000 },
      ...(size.oneShard ? { sharding: { maxRequestsPerJob: 1_000_000, maxBytesPerJob: 2_000_000_000 } } : {}),
      ...(env.corpusCache ? { docsDir: corpus.docsDir } : {}),
    });
    const loadBefore = loadAverage();
    const naive = size.naive ? await runNaive(env, size, dir, projectDir, corpus.docsDir) : undefined;
    await flushDisk();
    const readOnceMs = measureReadOnce(corpus.docsDir);
    const planRun = await runTruebatch(env, projectDir, 'http://127.0.0.1:9', size.timeoutMs, 'plan');
    const plan = { wallMs: planRun.wallMs, cliPeakRss: planRun.peakRssBytes, readOnceMs };
    env.log(`${size.label}: plan ${(plan.wallMs / 1000).toFixed(1)} s (read once ${(readOnceMs / 1000).toFixed(1)} s); truebatch run (I/O floor ${(floorMs[0]! / 1000).toFixed(1)} s)`);
    const emulator = await startEmulatorChild(
      { cliPath: env.cliPath, dir, apiKey: BENCH_API_KEY, jobDurationMs: 0, baseEnv: env.baseEnv, timeoutMs: size.timeoutMs + MINUTE },
      env.cleanup,
    );
    let cli: SampledRun;
    let emulatorRun: SampledRun;
    let bytesUploaded = 0;
    try {
      cli = await runTruebatch(env, projectDir, emulator.url, size.timeoutMs);
      bytesUploaded = (await emulator.stats()).bytesUploaded;
    } finally {
      emulatorRun = await emulator.stop();
    }
    const [counts] = queryLedger<{ jobs: number; valid: number }>(
      projectDir,
      "SELECT (SELECT COUNT(*) FROM jobs) AS jobs, (SELECT COUNT(*) FROM requests WHERE state = 'valid') AS valid",
    );
    const phases = phasesOf(projectDir, cli.startedAtMs);
    floorMs.push(await timeIoFloor(dir, corpus.docsDir, 2));
    const status = cli.timedOut ? 'timed out' : cli.code === 0 ? 'ok' : 'failed';
    const note = status === 'ok' ? undefined : `exit ${cli.code ?? cli.signal}: ${logTail(join(dir, 'cli.log'))}`;
    env.log(`${size.label}: ${status} in ${(cli.wallMs / 1000).toFixed(1)} s, CLI peak RSS ${formatBytes(cli.peakRssBytes)}`);
    return {
      ...empty,
      status,
      ...(note === undefined ? {} : { note }),
      documents: corpus.files,
      corpusBytes: corpus.bytes,
      jobs: counts?.jobs ?? 0,
      valid: counts?.valid ?? 0,
      wallMs: cli.wallMs,
      cliPeakRss: cli.peakRssBytes,
      cliPeakAtMs: cli.peakAtMs,
      emulatorPeakRss: emulatorRun.peakRssBytes,
      cliCpuMs: cli.cpuMs,
      emulatorCpuMs: emulatorRun.cpuMs,
      bytesUploaded,
      bytesDownloaded: filesBytes(join(projectDir, '.truebatch', 'results')),
      floorMs: Math.min(...floorMs),
      ...(phases === undefined ? {} : { phases }),
      ...(naive === undefined ? {} : { naive }),
      plan,
      loadBefore,
    };
  } finally {
    env.log(`${size.label}: removing ${dir}`);
    await env.cleanup.removeDir(dir);
  }
}
