/** @module Tests for the poll schedule: how soon a finished job is seen, replayed without waiting. */
import { describe, expect, it } from 'vitest';
import { pollInterval } from './watch-jobs.ts';

const polling = { initialIntervalMs: 1000, maxIntervalMs: 600_000, backoffFactor: 1.5 };

/**
 * Polls from submission until a poll at or after `jobMs`, and returns the interval that spanned `jobMs`: the worst
 * delay before the end of a job of about that length is seen (when it ends just after a poll).
 */
function intervalSpanning(jobMs: number): number {
  let at = 0;
  let interval = polling.initialIntervalMs;
  while (at < jobMs) {
    interval = pollInterval(at, interval, polling);
    at += interval;
  }
  return interval;
}

describe('pollInterval', () => {
  it('sees a finished job soon enough to collect it within max(2 s, 10% of its run time), however long it ran', () => {
    for (const jobMs of [3_000, 20_000, 20_400, 95_000, 3_600_000, 5 * 3_600_000]) {
      // At most 85% of the target goes to noticing the end: the rest is for collecting.
      expect(intervalSpanning(jobMs)).toBeLessThanOrEqual(0.85 * Math.max(2000, jobMs / 10));
    }
  });

  it('starts at the initial interval, grows by at most the backoff factor, and stops at the cap', () => {
    expect(pollInterval(0, 1000, polling)).toBe(1000);
    expect(pollInterval(120_000, 1000, polling)).toBe(1500);
    expect(pollInterval(100 * 3_600_000, 590_000, polling)).toBe(600_000);
  });
});
