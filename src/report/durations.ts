/** @module Minimum, median and maximum of job durations. */
import type { DurationStats } from './report-types.ts';

/** The statistics of `durationsMs`, or undefined when there are none. The median of an even count is the mean of the middle two. */
export function durationStats(durationsMs: readonly number[]): DurationStats | undefined {
  if (durationsMs.length === 0) return undefined;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { count: sorted.length, minMs: sorted[0] ?? 0, medianMs: median, maxMs: sorted[sorted.length - 1] ?? 0 };
}
