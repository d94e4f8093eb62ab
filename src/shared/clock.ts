/**
 * @module Time as a dependency: the only place that reads the wall clock or schedules timers, so tests can
 * drive time by hand.
 */

/** Milliseconds since the epoch, and a way to wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to; `sleep` resolves once `advance` passes its deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** Creates a {@link ManualClock} starting at `startMs`. */
export function createManualClock(startMs = Date.parse('2026-01-01T00:00:00Z')): ManualClock {
  let current = startMs;
  const sleepers: { at: number; resolve: () => void }[] = [];
  const wake = (): void => {
    for (let i = sleepers.length - 1; i >= 0; i--) {
      const sleeper = sleepers[i];
      if (sleeper && sleeper.at <= current) {
        sleepers.splice(i, 1);
        sleeper.resolve();
      }
    }
  };
  return {
    now: () => current,
    sleep: (ms) => new Promise<void>((resolve) => {
      sleepers.push({ at: current + ms, resolve });
      wake();
    }),
    advance(ms) {
      current += ms;
      wake();
    },
    set(epochMs) {
      current = epochMs;
      wake();
    },
  };
}

/** RFC 3339 with nanosecond precision, as Google's APIs print timestamps. */
export function toRfc3339Nanos(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-01-01T00:00:00.000Z
  return `${iso.slice(0, -1)}000000Z`;
}
