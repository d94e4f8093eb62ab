/**
 * @module Submitting planned jobs exactly once. Order per job: upload the input file, record the intent (the
 * unique display name) in the ledger, then `create`. After a crash or an ambiguous error, a job with an intent but
 * no remote name is reconciled by looking its display name up at the provider before anything is created again (a
 * provider whose jobs carry no name is also told the job's request count and when it was planned; while it cannot
 * tell, the intent stays and nothing is created).
 */
import { rmSync } from 'node:fs';
import { type JobRow, UNSUBMITTED_STATES } from '../ledger/index.ts';
import { CreateUndecidedError, ProviderError, errorMessage, readLines } from '../shared/index.ts';
import type { StageConfig } from '../config/index.ts';
import type { EngineContext } from './context.ts';
import { reserveBudget } from './costing.ts';
import { expiringUploadsOf } from './document-uploads.ts';

/** What one submitting pass did: how many jobs it submitted, and how long the provider asked it to wait, if it did. */
export interface SubmitPass {
  submitted: number;
  /** The longest `Retry-After` of a create the provider refused with 429 (the run waits at least this long). */
  waitMs: number | undefined;
  /** Lost creates the provider could not tell about yet (their jobs may be running: the run is not stalled). */
  undecided: number;
}

/**
 * Brings every unsubmitted job (of the given stages) to `submitted`, within the budgets; says how many it
 * submitted. `whileUploading` runs while each input file uploads (the run collects finished jobs and cuts the next
 * job then) and must not touch the uploading job in the ledger; jobs it plans are submitted in the same call. If it
 * fails, the job it ran beside is still submitted, then its error is thrown, as if it had failed on its own.
 */
export async function submitJobs(
  context: EngineContext,
  stages: readonly StageConfig[],
  whileUploading: () => Promise<void> = () => Promise.resolve(),
): Promise<SubmitPass> {
  const pass: SubmitPass = { submitted: 0, waitMs: undefined, undecided: 0 };
  let sideFailure: { error: unknown } | undefined;
  const sideWork = async (): Promise<void> => {
    if (sideFailure) return;
    try {
      await whileUploading();
    } catch (error) {
      sideFailure = { error };
    }
  };
  const tried = new Set<number>();
  // Read again after each job: `whileUploading` may plan more jobs.
  for (;;) {
    const job = context.ledger.jobs({ states: UNSUBMITTED_STATES }).find((candidate) => !tried.has(candidate.id));
    if (!job) break;
    tried.add(job.id);
    const stage = stages.find((candidate) => candidate.name === job.stage);
    if (!stage) continue;
    context.signal.throwIfAborted();
    try {
      if (await submitJob(context, stage, job, sideWork, pass)) pass.submitted++;
    } catch (error) {
      // A transient failure (upload, lookup) leaves the job where it was; the run loop backs off and retries.
      if (!(error instanceof ProviderError && error.isRetryable)) throw error;
      context.reporter.notice(`${job.display_name}: ${error.message}; will retry`);
    }
    if (sideFailure) throw sideFailure.error;
  }
  return pass;
}

/** Submits one job; true when it is now submitted (created, or found at the provider). `whileUploading` never throws. */
async function submitJob(
  context: EngineContext,
  stage: StageConfig,
  initial: JobRow,
  whileUploading: () => Promise<void>,
  pass: SubmitPass,
): Promise<boolean> {
  const { ledger } = context;
  const provider = context.providerFor(stage.name);
  let job = initial;
  if (job.state === 'creating') job = await reconcileIntent(context, job);
  if (job.state === 'submitted') return true;
  if (job.state === 'creating') {
    pass.undecided++;
    return false;
  }
  // Reserve the job's estimated cost before anything is uploaded: over budget, nothing of it is sent.
  const reserved = reserveBudget(context, stage, job);
  job = ledger.updateJob(job.id, job.state, { estimated_usd: reserved });
  if (job.state === 'planned' || job.state === 'uploading') {
    job = ledger.updateJob(job.id, 'uploading');
    const upload = provider.uploadFile(job.input_path, { displayName: job.display_name, model: job.model });
    // Handled at once: the upload may fail while `whileUploading` runs; its error is thrown just below.
    upload.catch(() => undefined);
    await whileUploading();
    const file = await upload;
    job = ledger.updateJob(job.id, 'uploaded', { input_file: file.name });
    ledger.addEvent('job-uploaded', `${job.display_name}: uploaded ${file.name} (${file.sizeBytes} bytes)`, {
      stage: job.stage,
      jobId: job.id,
    });
    context.failpoint('after-upload');
  }
  // The job is not at the provider yet (a lost create was just reconciled): one whose uploaded documents could
  // expire before it runs is taken back, and its requests are cut again with fresh uploads.
  if (await withdrawExpiringJob(context, stage, job)) return false;
  // Flushed: after a power cut the intent must still be there, or the job would be created twice.
  job = ledger.durably(() => ledger.updateJob(job.id, 'creating'));
  context.failpoint('after-intent');
  try {
    const remote = await provider.createJob({
      model: job.model,
      inputFile: job.input_file ?? '',
      displayName: job.display_name,
      ...(stage.task === 'embed' ? { task: 'embed' as const } : {}),
    });
    context.failpoint('after-create');
    job = ledger.durably(() =>
      ledger.updateJob(job.id, 'submitted', { remote_name: remote.name, remote_state: remote.rawState, submitted_at: context.clock.now() }),
    );
  } catch (error) {
    // A 429 (quota, enqueued tokens) is a definite no: nothing was created, so the job waits to be created later,
    // without a lookup and without counting against it.
    if (error instanceof ProviderError && error.status === 429) {
      job = ledger.updateJob(job.id, 'uploaded');
      if (error.retryAfterMs !== undefined) pass.waitMs = Math.max(pass.waitMs ?? 0, error.retryAfterMs);
      const wait = error.retryAfterMs === undefined ? '' : ` (asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s)`;
      ledger.addEvent('job-create-deferred', `${job.display_name}: ${error.message}${wait}; will create later`, { stage: job.stage, jobId: job.id });
      context.reporter.notice(`${job.display_name}: the provider is at its limit${wait}; will create it later`);
      return false;
    }
    // A retryable failure may still have created the job (the reply was lost): leave the intent in place, so the
    // next pass reconciles by display name instead of creating a second job.
    if (error instanceof ProviderError && error.isRetryable) {
      ledger.addEvent('job-create-uncertain', `${job.display_name}: ${error.message}; will reconcile`, {
        stage: job.stage,
        jobId: job.id,
      });
      context.reporter.notice(`${job.display_name}: create failed (${error.message}); will check and retry`);
      return false;
    }
    if (error instanceof ProviderError) throw await refusedCreate(context, job, error);
    throw error;
  }
  ledger.addEvent('job-submitted', `${job.display_name} → ${job.remote_name ?? ''}`, { stage: job.stage, jobId: job.id });
  context.reporter.job(job);
  return true;
}

/**
 * Withdraws `job` (never created) when a document it references has less than the stage's `documents.maxJobWaitMs`
 * left: its requests go back to pending, its input file is removed here and at the provider, and the next cut binds
 * them to a fresh upload. True when it did.
 */
async function withdrawExpiringJob(context: EngineContext, stage: StageConfig, job: JobRow): Promise<boolean> {
  const expiring = expiringUploadsOf(context, stage, job.id);
  if (expiring.length === 0) return false;
  const { ledger } = context;
  ledger.withdrawJob(job.id);
  const names = expiring.map((upload) => upload.remote_name ?? upload.display_name).join(', ');
  const why = `${job.display_name}: withdrawn before create, its documents ${names} would not outlive documents.maxJobWaitMs; its ${job.request_count} requests are cut again with fresh uploads`;
  // Not tied to the job id: the job is gone, and its id may be given to the next job cut.
  ledger.addEvent('job-withdrawn', why, { stage: job.stage });
  context.reporter.notice(why);
  rmSync(job.input_path, { force: true });
  if (job.input_file !== null) {
    try {
      await context.providerFor(job.stage).deleteFile(job.input_file);
    } catch (error) {
      context.reporter.notice(`could not delete input file ${job.input_file} (${errorMessage(error)}); it expires on its own`);
    }
  }
  return true;
}

/**
 * A create the provider answered "no": nothing was created, so the intent is withdrawn (the job goes back to
 * `uploaded`, its requests stay pending) and the run stops with the refusal, never retrying it blindly. When the
 * provider names refused input lines (one bad line refuses a whole job at Gemini), each is told with its request
 * key, read back from the job's input file.
 */
async function refusedCreate(context: EngineContext, job: JobRow, error: ProviderError): Promise<ProviderError> {
  const { ledger } = context;
  const keys = await keysAtLines(job.input_path, new Set(error.refusedLines.map((line) => line.lineNumber)));
  const lines = error.refusedLines.map(
    (line) => `line ${line.lineNumber} (key ${keys.get(line.lineNumber) ?? 'unknown'}): ${line.reason}`,
  );
  const message =
    lines.length === 0
      ? `${job.display_name}: the provider refused to create the job: ${error.message}`
      : `${job.display_name}: the provider refused the whole job for ${lines.length === 1 ? 'a request' : `${lines.length} requests`} it does not accept: ${lines.join('; ')}`;
  ledger.durably(() => ledger.updateJob(job.id, 'uploaded'));
  ledger.addEvent('job-create-refused', message, { stage: job.stage, jobId: job.id });
  return new ProviderError(error.provider, `${message}. Nothing was submitted; the job's requests stay pending.`, {
    isRetryable: false,
    ...(error.status === undefined ? {} : { status: error.status }),
    refusedLines: error.refusedLines,
    cause: error,
  });
}

/** The `key` of each wanted line (1-based) of a JSONL input file, streamed; stops after the last wanted line. */
async function keysAtLines(path: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
  const keys = new Map<number, string>();
  if (wanted.size === 0) return keys;
  const last = Math.max(...wanted);
  try {
    for await (const { lineNumber, text } of readLines(path)) {
      if (lineNumber > last) break;
      if (!wanted.has(lineNumber)) continue;
      const key: unknown = (JSON.parse(text) as { key?: unknown }).key;
      if (typeof key === 'string') keys.set(lineNumber, key);
    }
  } catch {
    // The keys only make the message clearer: a file that cannot be read leaves them unknown.
  }
  return keys;
}

/**
 * Finds the remote job for an intent; returns the job as submitted, back to `uploaded` if none exists, or still
 * `creating` while the provider cannot tell.
 */
async function reconcileIntent(context: EngineContext, job: JobRow): Promise<JobRow> {
  const { ledger } = context;
  let found;
  try {
    found = await context.providerFor(job.stage).findJobsByDisplayName(job.display_name, { requestCount: job.request_count, notBefore: job.created_at });
  } catch (error) {
    if (!(error instanceof CreateUndecidedError)) throw error;
    ledger.addEvent('job-create-undecided', `${job.display_name}: ${error.message}`, { stage: job.stage, jobId: job.id });
    context.reporter.notice(error.message);
    return job;
  }
  const [first, ...others] = found;
  if (!first) {
    ledger.addEvent('job-reconciled', `${job.display_name}: no remote job; creating it`, { stage: job.stage, jobId: job.id });
    return ledger.updateJob(job.id, 'uploaded');
  }
  if (others.length > 0) {
    context.reporter.notice(
      `warning: ${found.length} remote jobs carry the display name ${job.display_name}; tracking ${first.name}`,
    );
  }
  ledger.addEvent('job-reconciled', `${job.display_name}: found ${first.name}`, { stage: job.stage, jobId: job.id });
  const submitted = ledger.durably(() =>
    ledger.updateJob(job.id, 'submitted', { remote_name: first.name, remote_state: first.rawState, submitted_at: context.clock.now() }),
  );
  context.reporter.job(submitted);
  return submitted;
}
