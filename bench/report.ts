/**
 * @module BENCHMARKS.md: the generated part (machine, tables, targets met or missed) lives between two markers and
 * carries its data in a comment, so a run of some sizes updates those rows and keeps the others; text outside
 * the markers (the hand-written analysis) is left as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { callsPerJobHour, modelPolling, REALISTIC_POLLING, type PollingResult } from './polling.ts';
import { formatBytes } from './scenario-support.ts';
import { SIZES, type ThroughputResult } from './throughput.ts';
import { DASHBOARD_TARGET_MS, type DashboardResult } from './dashboard.ts';

/** The machine a run was measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
}

/** Everything the generated part shows. */
export interface BenchData {
  machine: Machine;
  throughput: Record<string, ThroughputResult>;
  polling?: PollingResult;
  dashboard?: DashboardResult;
}

/** The targets of the issue; measured and reported, never asserted. */
export const TARGETS = {
  cliPeakRssBytes: 300_000_000, floorRatioAt100k: 3, minLagMs: 2000, lagShare: 0.1, callsPerJobHour: 30,
  /** Issue #22: truebatch's wall time / the naive baseline's at 100k; 1m's wall time / 100k's; plan / one read at 1m. */
  naiveRatioAt100k: 1, linearAt1m: 11, planReadRatioAt1m: 2,
};

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';
const DATA = /<!-- bench:data (.*?) -->/s;

/** This machine. */
export function currentMachine(): Machine {
  const cpu = cpus();
  return { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryBytes: totalmem(), node: process.version, os: `Linux ${release()}` };
}

/** The data stored in an existing BENCHMARKS.md, if any. */
export function readBenchData(path: string): BenchData | undefined {
  if (!existsSync(path)) return undefined;
  const match = DATA.exec(readFileSync(path, 'utf8'));
  return match?.[1] ? (JSON.parse(match[1]) as BenchData) : undefined;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mark = (ok: boolean): string => (ok ? '✅' : '❌');

function throughputRow(result: ThroughputResult): string {
  const date = `${result.measuredAt.slice(0, 16).replace('T', ' ')}${result.code === undefined ? '' : ` (${result.code})`}`;
  if (result.status === 'skipped') return `| ${result.label} | ${result.note ?? 'skipped'} |||||||||||| ${date} |`;
  const ratio = result.floorMs > 0 ? result.wallMs / result.floorMs : Number.NaN;
  const rssOk = result.cliPeakRss <= TARGETS.cliPeakRssBytes;
  const targets = [`RSS ${mark(rssOk)}`];
  if (result.label === '100k') targets.push(`≤ ${TARGETS.floorRatioAt100k}× floor ${mark(ratio <= TARGETS.floorRatioAt100k)}`);
  if (result.status !== 'ok') targets.push(`**${result.status}**`);
  return `| ${result.label} | ${result.documents.toLocaleString('en')} (${formatBytes(result.corpusBytes)}) | ${result.jobs} | ` +
    `${result.valid.toLocaleString('en')} | ${seconds(result.wallMs)} | ${Math.round(result.documents / (result.wallMs / 1000))} | ` +
    `${formatBytes(result.cliPeakRss)} | ${formatBytes(result.emulatorPeakRss)} | ${formatBytes(result.bytesUploaded)} | ` +
    `${formatBytes(result.bytesDownloaded)} | ${seconds(result.floorMs)} | ${ratio.toFixed(1)}× | ${targets.join(', ')} | ${date} |`;
}

function phasesRow(result: ThroughputResult): string {
  const phases = result.phases;
  const cpu = (ms: number | undefined): string => (ms === undefined ? '—' : seconds(ms));
  const cpus = `${cpu(result.cliCpuMs)} | ${cpu(result.emulatorCpuMs)}`;
  if (!phases) return `| ${result.label} | | | | | | | ${cpus} |`;
  // Rows from before collection overlapped submission have no tail: all their collecting came after it.
  const tailMs = phases.tailMs ?? phases.collectMs;
  const other = Math.max(0, result.wallMs - phases.planMs - phases.submitMs - tailMs);
  const share = (ms: number): string => `${seconds(ms)} (${Math.round((100 * ms) / result.wallMs)}%)`;
  const peakAt = result.cliPeakAtMs;
  const peak = peakAt === undefined ? '' : `${seconds(peakAt)}: ${
    peakAt <= phases.planMs ? 'plan' : peakAt <= phases.planMs + phases.submitMs ? 'submit' : 'collect or after'}`;
  return `| ${result.label} | ${share(phases.planMs)} | ${share(phases.submitMs)} | ${share(tailMs)} | ${share(other)} | ${seconds(phases.collectMs)} | ${peak} | ${cpus} |`;
}

const measured = (result: { measuredAt: string; code?: string }): string =>
  `${result.measuredAt.slice(0, 16).replace('T', ' ')}${result.code === undefined ? '' : ` (${result.code})`}`;

/** truebatch beside the naive baseline, for the sizes that ran it (issue #22). */
function naiveSection(rows: readonly ThroughputResult[]): string[] {
  const compared = rows.filter((row) => row.naive !== undefined);
  if (compared.length === 0) return ['_No naive baseline run yet._'];
  return [
    '| size | naive wall | naive peak RSS | naive CPU | truebatch wall | truebatch CLI peak RSS | truebatch CLI CPU | wall ratio (truebatch / naive) | targets | load (1 min) | measured (UTC, commit) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...compared.map((row) => {
      const naive = row.naive!;
      const ratio = row.wallMs / naive.wallMs;
      const targets = row.label === '100k'
        ? `≤ ${TARGETS.naiveRatioAt100k}× ${mark(ratio <= TARGETS.naiveRatioAt100k)}, RSS ${mark(row.cliPeakRss <= TARGETS.cliPeakRssBytes)}`
        : '';
      const naiveWall = naive.status === 'ok' ? seconds(naive.wallMs) : `**${naive.status}** ${naive.note ?? ''}`;
      return `| ${row.label} | ${naiveWall} | ${formatBytes(naive.peakRss)} | ${seconds(naive.cpuMs)} | ${seconds(row.wallMs)} | ` +
        `${formatBytes(row.cliPeakRss)} | ${row.cliCpuMs === undefined ? '—' : seconds(row.cliCpuMs)} | ${ratio.toFixed(2)}× | ${targets} | ` +
        `${row.loadBefore?.toFixed(2) ?? '—'} | ${measured(row)} |`;
    }),
  ];
}

/** `truebatch plan` beside one plain read of the corpus, and 1m against 100k. */
function scaleSection(data: BenchData, rows: readonly ThroughputResult[]): string[] {
  const planned = rows.filter((row) => row.plan !== undefined && row.status !== 'skipped');
  const lines: string[] = [];
  if (planned.length > 0) {
    lines.push(
      '| size | `truebatch plan` | its peak RSS | read every document once | plan / read | target | measured (UTC, commit) |',
      '|---|---|---|---|---|---|---|',
      ...planned.map((row) => {
        const plan = row.plan!;
        const ratio = plan.wallMs / plan.readOnceMs;
        const target = row.label === '1m' ? `≤ ${TARGETS.planReadRatioAt1m}× ${mark(ratio <= TARGETS.planReadRatioAt1m)}` : '';
        return `| ${row.label} | ${seconds(plan.wallMs)} | ${formatBytes(plan.cliPeakRss)} | ${seconds(plan.readOnceMs)} | ${ratio.toFixed(1)}× | ${target} | ${measured(row)} |`;
      }),
    );
  }
  const million = data.throughput['1m'];
  const hundred = data.throughput['100k'];
  if (million?.status === 'ok' && hundred?.status === 'ok') {
    const ratio = million.wallMs / hundred.wallMs;
    lines.push('', `1m took ${ratio.toFixed(1)}× the 100k wall time (target ≤ ${TARGETS.linearAt1m}× ${mark(ratio <= TARGETS.linearAt1m)}; ` +
      `the two rows may come from different runs: see their dates), CLI peak RSS ${formatBytes(million.cliPeakRss)} ` +
      `(target ≤ ${formatBytes(TARGETS.cliPeakRssBytes)} ${mark(million.cliPeakRss <= TARGETS.cliPeakRssBytes)}).`);
  }
  return lines.length === 0 ? ['_No plan run yet._'] : lines;
}

function lagTarget(jobMs: number): number {
  return Math.max(TARGETS.minLagMs, TARGETS.lagShare * jobMs);
}

function pollingSection(polling: PollingResult | undefined): string[] {
  if (!polling) return ['_No polling run yet._'];
  const perHour = callsPerJobHour(polling.statusCalls, polling.jobMs);
  const lines = [
    `A job that runs ${polling.jobDurationMs / 1000} s at the emulator (${polling.documents} documents), polling ` +
      `\`{ ${Object.entries(REALISTIC_POLLING).map(([name, value]) => `${name}: ${value}`).join(', ')} }\` ` +
      `(measured ${polling.measuredAt.slice(0, 16).replace('T', ' ')}${polling.code === undefined ? '' : ` at ${polling.code}`}${polling.status === 'ok' ? '' : `, **${polling.status}**: ${polling.note ?? ''}`}):`,
    '',
    '| job time (create → end) | seen ended after | collected after | target ≤ max(2 s, 10%) | status calls | per job hour | target ≤ 30/h |',
    '|---|---|---|---|---|---|---|',
    `| ${seconds(polling.jobMs)} | ${seconds(polling.detectLagMs)} | ${seconds(polling.collectLagMs)} | ` +
      `${seconds(lagTarget(polling.jobMs))} ${mark(polling.collectLagMs <= lagTarget(polling.jobMs))} | ${polling.statusCalls} | ` +
      `${Math.round(perHour)} | ${mark(perHour <= TARGETS.callsPerJobHour)} |`,
    '',
    'The same schedule replayed for longer jobs (`pollInterval` from src/engine, not a measurement; collection time excluded):',
    '',
    '| job time | status calls | per job hour | target ≤ 30/h | first poll after end | worst case (interval at end) | target ≤ max(2 s, 10%) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const hours of [polling.jobMs / 3_600_000, 0.25, 1, 6, 24]) {
    const jobMs = hours * 3_600_000;
    const model = modelPolling(jobMs);
    const rate = callsPerJobHour(model.calls, jobMs);
    lines.push(`| ${hours < 0.1 ? seconds(jobMs) : `${hours} h`} | ${model.calls} | ${Math.round(rate)} | ${mark(rate <= TARGETS.callsPerJobHour)} | ` +
      `${seconds(model.lagMs)} | ${seconds(model.worstLagMs)} | ${mark(model.worstLagMs <= lagTarget(jobMs))} |`);
  }
  return lines;
}

function dashboardSection(result: DashboardResult | undefined): string[] {
  if (!result) return ['Not measured yet (`npm run bench -- --sizes none --no-polling`).'];
  const ms = (value: number): string => `${Math.round(value)} ms`;
  return [
    `A synthetic ledger of ${result.documents.toLocaleString('en')} documents (${result.requests.toLocaleString('en')} requests in two stages, ` +
      `${result.attempts.toLocaleString('en')} attempts, ${result.jobs} jobs), each page rendered through the app in-process: the first render, ` +
      `then the median and worst of 5 more. Starting the app (which counts the attempts' outcomes once) took ${ms(result.startMs)}. ` +
      `Measured ${result.measuredAt.slice(0, 16).replace('T', ' ')}${result.code === undefined ? '' : ` (${result.code})`}.`,
    '',
    `| page | first | median | worst | target < ${DASHBOARD_TARGET_MS} ms | HTML |`,
    '|---|---|---|---|---|---|',
    ...Object.entries(result.pages).map(([page, time]) =>
      `| \`${page}\` | ${ms(time.firstMs)} | ${ms(time.medianMs)} | ${ms(time.maxMs)} | ${mark(Math.max(time.firstMs, time.medianMs) < DASHBOARD_TARGET_MS)} | ${formatBytes(time.bytes)} |`),
  ];
}

/** The generated part of BENCHMARKS.md. */
export function renderResults(data: BenchData): string {
  const { machine } = data;
  const rows = SIZES.map((size) => data.throughput[size.label]).filter((row) => row !== undefined);
  const json = JSON.stringify(data).replaceAll('--', '-\\u002d');
  return [
    BEGIN,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${formatBytes(machine.memoryBytes)} RAM, Node ${machine.node}, ${machine.os}.`,
    '',
    '### Throughput (instant simulated model)',
    '',
    '| size | documents (bytes) | jobs | valid | wall time | docs/s | CLI peak RSS | emulator peak RSS | uploaded | downloaded | I/O floor | × floor | targets | measured (UTC, commit) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(throughputRow),
    '',
    `Targets: CLI peak RSS ≤ ${formatBytes(TARGETS.cliPeakRssBytes)} at every size; wall time ≤ ${TARGETS.floorRatioAt100k}× the I/O floor at 100k.`,
    ...rows.filter((row) => row.note !== undefined && row.status !== 'skipped').map((row) => `\n${row.label}: ${row.note ?? ''}`),
    '',
    'Where the CLI\'s wall time goes (from the ledger\'s timestamps): plan = start → first job planned (scan, render, record); ' +
      'submit = → last job created (shard, upload, create; while a file uploads, the next job is cut and the jobs that ' +
      'finished are collected); tail = → last job collected; other = process start and exit. Collecting = time spent collecting ' +
      'finished jobs (download, validate, write outputs, record), within submit and tail. CPU = user + system time of ' +
      'every thread, which varies less than wall time when the machine is shared.',
    '',
    '| size | plan | submit | tail | other | collecting | CLI RSS peaked at | CLI CPU | emulator CPU |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.filter((row) => row.status !== 'skipped').map(phasesRow),
    '',
    '### Against the naive baseline (issue #22)',
    '',
    'The script a user would write instead (`bench/naive-baseline.ts`, the official SDK, plain node): every document ' +
      'in memory, one JSONL, one upload, one job, a 250 ms poll, the whole result file in memory, one output per answer. ' +
      'Run on the same corpus against its own fresh emulator right before truebatch; the 1-minute load average when the size started.',
    '',
    ...naiveSection(rows),
    '',
    '### Scale (issue #22)',
    '',
    ...scaleSection(data, rows),
    '',
    '### Polling',
    '',
    ...pollingSection(data.polling),
    '',
    '### Dashboard (100k documents)',
    '',
    ...dashboardSection(data.dashboard),
    `<!-- bench:data ${json} -->`,
    END,
  ].join('\n');
}

const SKELETON = `# Benchmarks\n\nRun with \`npm run bench\` (see bench/README.md).\n\n${BEGIN}\n${END}\n`;

/** Writes `data` into the generated part of `path`, creating the file if needed. */
export function writeReport(path: string, data: BenchData): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const generated = renderResults(data);
  const next = start >= 0 && end > start ? `${text.slice(0, start)}${generated}${text.slice(end + END.length)}` : `${text.trimEnd()}\n\n${generated}\n`;
  writeFileSync(path, next);
}
