/**
 * @module Watching live jobs: poll each by its remote name (never trusting a listing) on an adaptive interval —
 * quick at first, then about a twelfth of the job's age, capped — until a job reaches a terminal state.
 */
import { LIVE_REMOTE_STATES, type JobRow, type JobState } from '../ledger/index.ts';
import type { RemoteJob } from '../providers/index.ts';
import { NotFoundError, ProviderError, errorMessage } from '../shared/index.ts';
import type { EngineContext } from './context.ts';
import { tendCaches } from './cache-lifecycle.ts';
import { ensurePatience } from './patience.ts';

/** When each job is next due for a status call, its last interval, and whether it was reported stale. Lives for one `run`. */
export type PollSchedule = Map<number, { dueAt: number; intervalMs: number; staleReported?: boolean }>;

/**
 * The job's age is divided by this for the next poll delay: a finished job is then noticed within ~8% of its run
 * time, which leaves time to collect it within 10% (a 20 s job: seen within 1.7 s, collected within 2 s).
 */
const AGE_PER_POLL = 12;

/**
 * The next poll delay: about a twelfth of the job's age, growing from `initialIntervalMs` by at most
 * `backoffFactor` per poll, and never above `maxIntervalMs`.
 */
export function pollInterval(
  ageMs: number,
  previousMs: number,
  polling: { initialIntervalMs: number; maxIntervalMs: number; backoffFactor: number },
): number {
  const grown = Math.min(previousMs * polling.backoffFactor, Math.round(ageMs / AGE_PER_POLL));
  return Math.min(polling.maxIntervalMs, Math.max(polling.initialIntervalMs, grown));
}

/**
 * Polls the due live jobs of `stages`, sleeping until the next one is due. Returns once at least one job has
 * reached a terminal state, or when no live job is left.
 */
export async function watchJobs(
  context: EngineContext,
  stages: readonly string[],
  schedule: PollSchedule,
  /** Return by this time even if no job finished (a batch waiting to fill up is due). */
  wakeAt?: number,
): Promise<void> {
  const { clock, config } = context;
  for (;;) {
    ensurePatience(context);
    const live = context.ledger.jobs({ states: LIVE_REMOTE_STATES }).filter((job) => stages.includes(job.stage));
    if (live.length === 0) return;
    const now = clock.now();
    for (const job of live) {
      if (!schedule.has(job.id)) schedule.set(job.id, { dueAt: now + config.polling.initialIntervalMs, intervalMs: config.polling.initialIntervalMs });
    }
    if (wakeAt !== undefined && wakeAt <= now) return;
    if (!live.some((job) => (schedule.get(job.id)?.dueAt ?? 0) <= now)) {
      const next = Math.min(wakeAt ?? Infinity, ...live.map((job) => schedule.get(job.id)?.dueAt ?? now));
      await clock.sleep(Math.max(0, next - now), context.signal);
      continue;
    }
    if (await pollDueJobs(context, stages, schedule)) return;
    // A watch tick: keep the caches of jobs still running alive (cache-lifecycle.ts).
    await tendCaches(context, { includeUnclaimed: false });
  }
}

/**
 * One status call for each live job of `stages` that is due on `schedule` (a job new to it is due after the first
 * interval); never sleeps. Returns true when a job reached a terminal state.
 */
export async function pollDueJobs(context: EngineContext, stages: readonly string[], schedule: PollSchedule): Promise<boolean> {
  const { clock, config } = context;
  const live = context.ledger.jobs({ states: LIVE_REMOTE_STATES }).filter((job) => stages.includes(job.stage));
  const now = clock.now();
  for (const job of live) {
    if (!schedule.has(job.id)) schedule.set(job.id, { dueAt: now + config.polling.initialIntervalMs, intervalMs: config.polling.initialIntervalMs });
  }
  const due = live.filter((job) => (schedule.get(job.id)?.dueAt ?? 0) <= now);
  if (due.length === 0) return false;
  let finished = false;
  for (const job of due) {
    const updated = await pollJob(context, job);
    const entry = schedule.get(job.id) ?? { dueAt: 0, intervalMs: config.polling.initialIntervalMs };
    const age = clock.now() - (updated.submitted_at ?? updated.created_at);
    const intervalMs = pollInterval(age, entry.intervalMs, config.polling);
    schedule.set(job.id, { ...entry, dueAt: clock.now() + intervalMs, intervalMs });
    if (!LIVE_REMOTE_STATES.includes(updated.state)) finished = true;
    else reportIfStale(context, updated, age, schedule);
  }
  context.failpoint('while-polling');
  return finished;
}

/**
 * Says once per run that a job has been PENDING too long. It is never cancelled automatically: a cancelled job
 * that then finishes anyway is paid for and lost.
 */
function reportIfStale(context: EngineContext, job: JobRow, ageMs: number, schedule: PollSchedule): void {
  const entry = schedule.get(job.id);
  if (job.state !== 'pending' || ageMs < context.config.polling.staleAfterMs || !entry || entry.staleReported) return;
  entry.staleReported = true;
  const hours = (ageMs / 3_600_000).toFixed(1);
  context.ledger.addEvent('job-stale', `${job.display_name}: PENDING for ${hours} h`, { stage: job.stage, jobId: job.id });
  context.reporter.notice(
    `${job.display_name} (${job.remote_name ?? ''}) has been PENDING for ${hours} h: stale. It is not cancelled ` +
      'automatically (a cancelled job that then finishes is paid for and lost); `truebatch cancel` if you want to.',
  );
}

/** One status call for every live job of `stages` (for `collect` and `cancel`, which do not wait). */
export async function pollLiveJobsOnce(context: EngineContext, stages: readonly string[]): Promise<void> {
  for (const job of context.ledger.jobs({ states: LIVE_REMOTE_STATES })) {
    if (stages.includes(job.stage)) await pollJob(context, job);
  }
}

/** One status call for `job`; records what it learnt. Transient errors leave the job as it was. */
async function pollJob(context: EngineContext, job: JobRow): Promise<JobRow> {
  const { ledger } = context;
  let remote: RemoteJob;
  try {
    remote = await context.providerFor(job.stage).getJob(job.remote_name ?? '');
  } catch (error) {
    // The contract's one way of saying the provider does not know the job (see BatchProvider.getJob).
    if (error instanceof NotFoundError) {
      const lost = ledger.updateJob(job.id, 'lost', { error: errorMessage(error), finished_at: context.clock.now() });
      ledger.addEvent('job-lost', `${job.display_name}: the provider no longer knows ${job.remote_name ?? ''}`, {
        stage: job.stage,
        jobId: job.id,
      });
      context.reporter.notice(`${job.display_name}: the provider no longer knows this job; its requests will be resubmitted`);
      return lost;
    }
    if (error instanceof ProviderError && error.isRetryable) {
      context.reporter.notice(`${job.display_name}: status check failed (${error.message}); will retry`);
      return ledger.updateJob(job.id, job.state, { polls: job.polls + 1 });
    }
    throw error;
  }
  const state: JobState = remote.state;
  const terminal = !LIVE_REMOTE_STATES.includes(state);
  const updated = ledger.updateJob(job.id, state, {
    remote_state: remote.rawState,
    succeeded_count: remote.requestCounts?.succeeded ?? job.succeeded_count,
    failed_count: remote.requestCounts?.failed ?? job.failed_count,
    counts_reported: remote.requestCounts === undefined ? job.counts_reported : 1,
    output_file: remote.outputFile ?? null,
    error: remote.error ? `${remote.error.code}: ${remote.error.message}` : null,
    polls: job.polls + 1,
    ...(terminal ? { finished_at: context.clock.now() } : {}),
  });
  if (terminal) {
    ledger.addEvent(`job-${state}`, `${job.display_name}: ${remote.rawState}`, { stage: job.stage, jobId: job.id });
  }
  context.reporter.job(updated);
  return updated;
}
