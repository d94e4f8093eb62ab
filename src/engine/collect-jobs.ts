/**
 * @module Collecting finished jobs: stream the result file to disk; a worker thread reads it line by line, joins on
 * the request key, validates and writes outputs atomically (result-judge.ts), while this thread records every
 * outcome. Expired, cancelled and failed jobs are collected too: whatever finished is kept, the rest goes back for a
 * new attempt. Re-collecting after a crash skips what was already recorded.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import { COLLECTABLE_STATES, type FailureKind, type JobAttempt, type JobRow } from '../ledger/index.ts';
import { ensureFolder } from '../outputs/index.ts';
import { isTransient } from '../providers/index.ts';
import { errorMessage, FilesystemError } from '../shared/index.ts';
import { settleJobDocuments } from './document-uploads.ts';
import type { EngineContext } from './context.ts';
import { settleJobCost } from './costing.ts';
import type { LineOutcome } from './judge-lines.ts';
import { ResultJudge } from './result-judge.ts';

/** Tallies of one job's collection, for the summary and the ledger's events. */
export interface CollectSummary {
  valid: number;
  invalid: number;
  failed: number;
  missing: number;
  duplicates: number;
  unknown: number;
  malformed: number;
  /** Lines recorded by an earlier collection that was interrupted. */
  alreadyRecorded: number;
}

/**
 * Collects every collectable job of the given stages, judging on `judge`'s worker (a caller that collects again
 * and again passes one, so the thread starts once), or on a worker of its own.
 */
export async function collectJobs(context: EngineContext, stages: readonly StageConfig[], judge?: ResultJudge): Promise<void> {
  const active = judge ?? new ResultJudge();
  try {
    for (const job of context.ledger.jobs({ states: COLLECTABLE_STATES })) {
      const stage = stages.find((candidate) => candidate.name === job.stage);
      if (stage) await collectJob(context, stage, job, active);
    }
  } finally {
    if (!judge) await active.close();
  }
}

async function collectJob(context: EngineContext, stage: StageConfig, job: JobRow, judge: ResultJudge): Promise<void> {
  const { ledger } = context;
  const summary: CollectSummary = { valid: 0, invalid: 0, failed: 0, missing: 0, duplicates: 0, unknown: 0, malformed: 0, alreadyRecorded: 0 };
  if (job.output_file !== null) {
    const resultPath = await downloadOnce(context, job);
    if (resultPath === undefined) return;
    ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
    const attempts = ledger.jobAttempts(job.id);
    const judged = judge.judge({
      resultPath,
      provider: context.providerFor(stage.name).name,
      stage,
      finishedAt: job.finished_at ?? job.created_at,
      attempts: [...attempts].map(([key, attempt]) => [key, attempt.docId, attempt.state === 'in_job']),
    });
    await ledger.batched(async (tick) => {
      for await (const outcomes of judged) {
        for (const outcome of outcomes) {
          // What came before it is recorded; the rest is collected again by the next run.
          if (outcome.kind === 'unwritable') throw new FilesystemError(outcome.message);
          recordOutcome(context, job, attempts, outcome);
          summary[outcome.kind]++;
          tick();
        }
      }
    });
  }
  for (const open of ledger.openAttempts(job.id)) {
    summary.missing++;
    ledger.recordResult(open.id, { state: 'failed', ...missingReason(job) });
  }
  // The job's input file is no longer needed (a retry is cut afresh from the ledger): free the disk.
  rmSync(job.input_path, { force: true });
  const actualUsd = settleJobCost(ledger, context.prices, job);
  const collected = ledger.updateJob(job.id, 'collected', { collected_at: context.clock.now(), actual_usd: actualUsd });
  const text = Object.entries(summary).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`).join(', ');
  ledger.addEvent('job-collected', `${job.display_name}: ${text || 'no results'}`, { stage: stage.name, jobId: job.id });
  context.reporter.job(collected);
  await deleteProviderFiles(context, collected);
  await settleJobDocuments(context, collected.id);
}

/**
 * Frees the job's input and result files at the provider (its storage quota is small next to big corpora); the
 * downloaded result file stays in .truebatch/results. A result file the provider says cannot be deleted is left to
 * expire, never touched. Best effort: a file left behind expires on its own, so a failure is only reported.
 */
async function deleteProviderFiles(context: EngineContext, job: JobRow): Promise<void> {
  const provider = context.providerFor(job.stage);
  const outputFile = provider.capabilities.deletableResultFiles ? job.output_file : null;
  for (const name of [job.input_file, outputFile]) {
    if (name === null) continue;
    try {
      await provider.deleteFile(name);
    } catch (error) {
      const message = `${job.display_name}: could not delete ${name} at the provider (${errorMessage(error)}); it expires on its own`;
      context.ledger.addEvent('provider-file-kept', message, { stage: job.stage, jobId: job.id });
      context.reporter.notice(message);
    }
  }
}

/**
 * Records one judged line. A valid answer's output file is already on disk, so the ledger never points at an
 * output that was not written.
 */
function recordOutcome(
  context: EngineContext,
  job: JobRow,
  attempts: ReadonlyMap<string, JobAttempt>,
  outcome: Exclude<LineOutcome, { kind: 'unwritable' }>,
): void {
  const { ledger } = context;
  const where = { stage: job.stage, jobId: job.id };
  switch (outcome.kind) {
    case 'malformed':
      ledger.addEvent('result-malformed', `${job.display_name} line ${outcome.lineNumber}: ${outcome.reason}`, where);
      return;
    case 'unknown':
      ledger.addEvent('result-unknown', `${job.display_name}: result for unknown key ${outcome.key} ignored`, where);
      return;
    case 'duplicates':
      ledger.addEvent('result-duplicate', `${job.display_name}: key ${outcome.key} appears more than once; first kept`, where);
      return;
    case 'alreadyRecorded':
      return;
    default: {
      const attempt = attempts.get(outcome.key);
      if (!attempt) return; // judged from the job's own keys: cannot happen
      if (outcome.kind === 'valid') context.failpoint('while-writing-outputs');
      ledger.recordResult(attempt.id, outcome.record);
    }
  }
}

/**
 * Downloads the result file unless a complete copy is already on disk (a crash after the download). A download the
 * provider fails transiently (after the retry policy's tries) leaves the job to collect later: undefined.
 */
async function downloadOnce(context: EngineContext, job: JobRow): Promise<string | undefined> {
  const dir = join(context.stateDir, 'results');
  mkdirSync(dir, { recursive: true });
  const finalPath = join(dir, `${job.display_name}.jsonl`);
  if (existsSync(finalPath)) return finalPath;
  const partPath = `${finalPath}.part`;
  try {
    await context.providerFor(job.stage).downloadResults(
      { name: job.remote_name ?? '', displayName: job.display_name, state: 'succeeded', rawState: job.remote_state ?? '',
        requestCounts: undefined, outputFile: job.output_file ?? undefined, error: undefined, createTime: undefined, endTime: undefined },
      partPath,
      // A provider whose lines name requests by ids of its own joins them back to keys through the job's input.
      job.input_file ?? undefined,
    );
  } catch (error) {
    if (!isTransient(error)) throw error;
    const message = `${job.display_name}: download failed (${error.message}); will collect it later`;
    context.ledger.addEvent('job-collect-later', message, { stage: job.stage, jobId: job.id });
    context.reporter.notice(message);
    return undefined;
  }
  context.failpoint('while-downloading');
  renameSync(partPath, finalPath);
  return finalPath;
}

/** Why an attempt of a collected job has no result line. */
function missingReason(job: JobRow): { reason: string; failureKind: FailureKind } {
  switch (job.state) {
    case 'expired':
      return { reason: 'job expired before this request was processed', failureKind: 'job-expired' };
    case 'cancelled':
      return { reason: 'job cancelled before this request was processed', failureKind: 'job-cancelled' };
    case 'failed':
      return { reason: `job failed${job.error ? ` (${job.error})` : ''}`, failureKind: 'job-failed' };
    case 'lost':
      return { reason: 'the provider lost the job', failureKind: 'job-lost' };
    default:
      return { reason: 'missing from the results file', failureKind: 'missing-key' };
  }
}
