/** @module Where a fake job is at a given time: a pure function of its creation, its script and the clock. */
import type { RemoteJobState } from '../batch-provider.ts';
import type { FakeJobRule } from './fake-script.ts';

/** A fake job's timing and ending, as the script sets them. */
export interface FakeJobPlan {
  createdAt: number;
  cancelledAt: number | undefined;
  /** Requests in the job. */
  total: number;
  pendingMs: number;
  runMs: number;
  /** A job still unfinished this long after creation expires. */
  expiryMs: number;
  outcome: NonNullable<FakeJobRule['outcome']>;
  /** Requests answered before a `failed` or `expired` ending. */
  completedLines: number;
}

/** The job's state at `now`, when it ended, and how many of its requests were processed (0 until it ends). */
export interface FakeJobMoment {
  state: RemoteJobState;
  endedAt: number | undefined;
  completed: number;
}

/**
 * Pending for `pendingMs`, running for `runMs` (requests processed evenly over the run), then the scripted outcome.
 * A cancel ends it at once with what was processed by then; a job unfinished at `expiryMs` expires the same way.
 */
export function fakeJobAt(plan: FakeJobPlan, now: number): FakeJobMoment {
  const startsAt = plan.createdAt + plan.pendingMs;
  const runEnds = plan.outcome === 'stuck' ? Infinity : startsAt + plan.runMs;
  const expiresAt = plan.createdAt + plan.expiryMs;
  // A stuck job processes nothing: its cancel or expiry leaves no results.
  const processedBy = (time: number): number =>
    time < startsAt || plan.outcome === 'stuck' ? 0 : Math.min(plan.total, Math.floor((plan.total * (time - startsAt)) / Math.max(plan.runMs, 1)));
  if (plan.cancelledAt !== undefined) return { state: 'cancelled', endedAt: plan.cancelledAt, completed: processedBy(plan.cancelledAt) };
  if (expiresAt < runEnds && now >= expiresAt) return { state: 'expired', endedAt: expiresAt, completed: processedBy(expiresAt) };
  if (now < runEnds) return { state: now < startsAt ? 'pending' : 'running', endedAt: undefined, completed: 0 };
  if (plan.outcome === 'succeeded') return { state: 'succeeded', endedAt: runEnds, completed: plan.total };
  const state = plan.outcome === 'stuck' ? 'expired' : plan.outcome;
  return { state, endedAt: runEnds, completed: Math.min(plan.total, plan.completedLines) };
}
