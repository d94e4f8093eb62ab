/**
 * @module How a run shows progress: a live bar per job on a terminal (requests done and failed of total,
 * elapsed, state), plain lines otherwise (CI, pipes, `--json`).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { JobRow } from '../ledger/index.ts';
import type { RunReporter } from '../engine/index.ts';
import { doneText } from './format.ts';

/** A run reporter that can be stopped; `stop` is idempotent. */
export type ProgressReporter = RunReporter & { stop(): void };

/**
 * A reporter that writes to stderr: bars when `interactive`, lines otherwise. Call `stop` before printing anything
 * else on the terminal: live bars redraw over what was printed below them.
 */
export function createProgressReporter(options: { interactive: boolean }): ProgressReporter {
  return options.interactive ? barReporter() : lineReporter();
}

function describe(job: JobRow): string {
  const counts = `${doneText(job)}/${job.request_count} done${job.failed_count > 0 ? `, ${job.failed_count} failed` : ''}`;
  return `${job.display_name} ${job.state}${job.remote_name ? ` (${job.remote_name})` : ''}: ${counts}`;
}

function lineReporter(): ProgressReporter {
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

/** Job states after which nothing runs at the provider any more: the bar's clock stops there. */
const FINISHED_STATES: ReadonlySet<JobRow['state']> = new Set(['succeeded', 'failed', 'cancelled', 'expired', 'lost', 'collected']);

function barReporter(): ProgressReporter {
  const bars = new MultiBar(
    {
      format: ' {name} |{bar}| {done}/{total} done, {failed} failed | {duration_formatted} | {state}',
      hideCursor: true,
      clearOnComplete: false,
      // Redraw every bar at each tick: a notice is printed where the bars were and pushes them down, and a bar that
      // did not change (a finished one) would otherwise not be drawn again below it.
      forceRedraw: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const byJob = new Map<number, SingleBar>();
  const finished = new Set<number>();
  const state = { stopped: false };
  return {
    // Before the first bar (and after the last) nothing redraws, so a notice logged to the bars would wait unseen.
    notice: (message) => (byJob.size === 0 || state.stopped ? process.stderr.write(`${message}\n`) : bars.log(`${message}\n`)),
    job(job) {
      if (state.stopped) return;
      const payload = { name: job.display_name, done: doneText(job), failed: job.failed_count, state: job.state };
      const done = job.state === 'collected' ? job.request_count : job.succeeded_count + job.failed_count;
      let bar = byJob.get(job.id);
      if (bar) bar.update(done, payload);
      else byJob.set(job.id, (bar = bars.create(job.request_count, done, payload)));
      // A stopped bar keeps the elapsed time it had; its later updates (state, counts) still show.
      if (FINISHED_STATES.has(job.state) && !finished.has(job.id)) {
        finished.add(job.id);
        bar.stop();
      }
    },
    stop() {
      if (state.stopped) return;
      state.stopped = true;
      if (byJob.size === 0) return; // no bar was drawn: nothing to finish (stopping would print an empty line)
      bars.update(); // flushes notices logged since the last redraw
      bars.stop(); // the final redraw, then a newline: what follows starts on its own line
    },
  };
}
