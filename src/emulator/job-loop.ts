/**
 * @module The background job loop: works on the live jobs for one short slice of clock time, then yields to the
 * event loop with `clock.sleep(0)` (a real timer on the system clock, so pending requests are served between
 * slices) while due work is left, or sleeps a little when none is, until stopped. Built on `clock.sleep`, so a
 * manual clock drives it in tests.
 */
import type { Clock } from '../shared/index.ts';
import type { JobRunner } from './job-runner.ts';

/**
 * Clock time the loop spends on lines before yielding. Requests do not wait for the end of a slice: file jobs give
 * the event loop a turn whenever they read more input or write results (every megabyte, a few hundred lines), and
 * a slice ends early when a request waits for the job it works on.
 */
const LOOP_SLICE_MS = 50;
/** Pause between passes when nothing is due. */
const LOOP_INTERVAL_MS = 50;

/** A running loop. */
export interface JobLoop {
  /** Stops the loop and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Sleeps on `clock` but wakes as soon as `signal` aborts, even on a clock that ignores signals. */
async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms, signal).catch(() => undefined), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Starts the loop. */
export function createJobLoop(runner: Pick<JobRunner, 'advanceSlice'>, clock: Clock): JobLoop {
  const controller = new AbortController();
  const done = (async () => {
    while (!controller.signal.aborted) {
      let more = false;
      try {
        more = await runner.advanceSlice(LOOP_SLICE_MS);
      } catch {
        // A job that cannot advance reports its error when it is read; the loop keeps the others going.
      }
      if (controller.signal.aborted) break;
      await sleepUnlessAborted(clock, more ? 0 : LOOP_INTERVAL_MS, controller.signal);
    }
  })();
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}
