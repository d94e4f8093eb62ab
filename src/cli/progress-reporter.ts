/**
 * @module How a run shows progress: a live bar per job on a terminal (requests done and failed of total,
 * elapsed, state), plain lines otherwise (CI, pipes, `--json`).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { JobRow } from '../ledger/index.ts';
import type { RunReporter } from '../engine/index.ts';

/** A reporter that writes to stderr: bars when `interactive`, lines otherwise. Call `stop` at the end. */
export function createProgressReporter(options: { interactive: boolean }): RunReporter & { stop(): void } {
  return options.interactive ? barReporter() : lineReporter();
}

function describe(job: JobRow): string {
  const done = job.succeeded_count + job.failed_count;
  const counts = `${done}/${job.request_count} done${job.failed_count > 0 ? `, ${job.failed_count} failed` : ''}`;
  return `${job.display_name} ${job.state}${job.remote_name ? ` (${job.remote_name})` : ''}: ${counts}`;
}

function lineReporter(): RunReporter & { stop(): void } {
  const last = new Map<number, string>();
  return {
    notice: (message) => process.stderr.write(`${message}\n`),
    job(job) {
      const line = describe(job);
      if (last.get(job.id) === line) return; // print changes only
      last.set(job.id, line);
      process.stderr.write(`${line}\n`);
    },
    stop: () => {},
  };
}

function barReporter(): RunReporter & { stop(): void } {
  const bars = new MultiBar(
    {
      format: ' {name} |{bar}| {value}/{total} done, {failed} failed | {duration_formatted} | {state}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const byJob = new Map<number, SingleBar>();
  return {
    notice: (message) => bars.log(`${message}\n`),
    job(job) {
      const payload = { name: job.display_name, failed: job.failed_count, state: job.state };
      const done = job.state === 'collected' ? job.request_count : job.succeeded_count + job.failed_count;
      const bar = byJob.get(job.id);
      if (bar) bar.update(done, payload);
      else byJob.set(job.id, bars.create(job.request_count, done, payload));
    },
    stop: () => bars.stop(),
  };
}
