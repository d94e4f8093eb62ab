/**
 * @module Collecting finished jobs: stream the result file to disk, read it line by line, join on the request
 * key, validate, write outputs atomically (on a worker thread) and record every outcome. Expired, cancelled and
 * failed jobs are collected too: whatever finished is kept, the rest goes back for a new attempt. Re-collecting
 * after a crash skips what was already recorded.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import { COLLECTABLE_STATES, type JobAttempt, type JobRow } from '../ledger/index.ts';
import { createKeyJoin, evaluateResult, type KeyJoin } from '../results/index.ts';
import type { ResultItem } from '../providers/index.ts';
import { ensureFolder, OutputWriter } from '../outputs/index.ts';
import { errorMessage } from '../shared/index.ts';
import { compileValidator, type Validator } from '../validation/index.ts';
import type { EngineContext } from './context.ts';
import { settleJobCost } from './costing.ts';
import { outputFile, resultRecord, writtenOutput } from './verdicts.ts';

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

/** Collects every collectable job of the given stages. */
export async function collectJobs(context: EngineContext, stages: readonly StageConfig[]): Promise<void> {
  const validators = new Map<string, Validator>();
  const writer = new OutputWriter();
  try {
    for (const job of context.ledger.jobs({ states: COLLECTABLE_STATES })) {
      const stage = stages.find((candidate) => candidate.name === job.stage);
      if (!stage) continue;
      let validator = validators.get(stage.name);
      if (!validator) {
        validator = compileValidator(stage.validation);
        validators.set(stage.name, validator);
      }
      await collectJob(context, stage, job, validator, writer);
    }
  } finally {
    await writer.close();
  }
}

async function collectJob(context: EngineContext, stage: StageConfig, job: JobRow, validator: Validator, writer: OutputWriter): Promise<void> {
  const { ledger } = context;
  const summary: CollectSummary = { valid: 0, invalid: 0, failed: 0, missing: 0, duplicates: 0, unknown: 0, malformed: 0, alreadyRecorded: 0 };
  if (job.output_file !== null) {
    const resultPath = await downloadOnce(context, job);
    ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
    const attempts = ledger.jobAttempts(job.id);
    const keys = createKeyJoin(attempts.keys());
    await ledger.batched(async (tick) => {
      try {
        for await (const item of context.provider.readResults(resultPath)) {
          summary[await collectLine({ context, stage, job, validator, keys, attempts, writer }, item)]++;
          tick();
        }
      } catch (error) {
        // Record what is already on disk before giving up; the rest is collected again by the next run.
        await writer.flush().catch(() => undefined);
        throw error;
      }
      await writer.flush();
    });
  }
  for (const open of ledger.openAttempts(job.id)) {
    summary.missing++;
    ledger.recordResult(open.id, { state: 'failed', reason: missingReason(job) });
  }
  // The job's input file is no longer needed (a retry is cut afresh from the ledger): free the disk.
  rmSync(job.input_path, { force: true });
  const actualUsd = settleJobCost(ledger, context.prices, job);
  const collected = ledger.updateJob(job.id, 'collected', { collected_at: context.clock.now(), actual_usd: actualUsd });
  const text = Object.entries(summary).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`).join(', ');
  ledger.addEvent('job-collected', `${job.display_name}: ${text || 'no results'}`, { stage: stage.name, jobId: job.id });
  context.reporter.job(collected);
  await deleteProviderFiles(context, collected);
}

/**
 * Frees the job's input and result files at the provider (its storage quota is small next to big corpora); the
 * downloaded result file stays in .truebatch/results. Best effort: a file left behind expires on its own, so a
 * failure is only reported.
 */
async function deleteProviderFiles(context: EngineContext, job: JobRow): Promise<void> {
  for (const name of [job.input_file, job.output_file]) {
    if (name === null) continue;
    try {
      await context.provider.deleteFile(name);
    } catch (error) {
      const message = `${job.display_name}: could not delete ${name} at the provider (${errorMessage(error)}); it expires on its own`;
      context.ledger.addEvent('provider-file-kept', message, { stage: job.stage, jobId: job.id });
      context.reporter.notice(message);
    }
  }
}

/**
 * Joins one result line on its key, judges it and records it; says how it was counted. A valid answer is recorded
 * once its output file is on disk, so the ledger never points at an output that was not written.
 */
async function collectLine(
  input: {
    context: EngineContext;
    stage: StageConfig;
    job: JobRow;
    validator: Validator;
    keys: KeyJoin;
    attempts: Map<string, JobAttempt>;
    writer: OutputWriter;
  },
  item: ResultItem,
): Promise<keyof CollectSummary> {
  const { context, stage, job } = input;
  const { ledger } = context;
  const where = { stage: stage.name, jobId: job.id };
  if (item.kind === 'malformed') {
    ledger.addEvent('result-malformed', `${job.display_name} line ${item.lineNumber}: ${item.reason}`, where);
    return 'malformed';
  }
  const seen = input.keys.see(item.key);
  if (seen === 'unknown') {
    ledger.addEvent('result-unknown', `${job.display_name}: result for unknown key ${item.key} ignored`, where);
    return 'unknown';
  }
  if (seen === 'duplicate') {
    ledger.addEvent('result-duplicate', `${job.display_name}: key ${item.key} appears more than once; first kept`, where);
    return 'duplicates';
  }
  const attempt = input.attempts.get(item.key);
  if (!attempt || attempt.state !== 'in_job') return 'alreadyRecorded';
  const verdict = evaluateResult(item, input.validator);
  if (verdict.status !== 'valid') {
    ledger.recordResult(attempt.id, resultRecord(stage, item, verdict, undefined));
    return verdict.status;
  }
  const file = outputFile(stage, attempt.doc_id, item.key, verdict.output, job.finished_at ?? job.created_at);
  // Made now, so the callback holds only the record (not the parsed line) while the file waits for the worker.
  const record = resultRecord(stage, item, verdict, writtenOutput(file));
  await input.writer.write(file, () => {
    context.failpoint('while-writing-outputs');
    ledger.recordResult(attempt.id, record);
  });
  return verdict.status;
}

/** Downloads the result file unless a complete copy is already on disk (a crash after the download). */
async function downloadOnce(context: EngineContext, job: JobRow): Promise<string> {
  const dir = join(context.stateDir, 'results');
  mkdirSync(dir, { recursive: true });
  const finalPath = join(dir, `${job.display_name}.jsonl`);
  if (existsSync(finalPath)) return finalPath;
  const partPath = `${finalPath}.part`;
  await context.provider.downloadResults(
    { name: job.remote_name ?? '', displayName: job.display_name, state: 'succeeded', rawState: job.remote_state ?? '',
      requestCounts: undefined, outputFile: job.output_file ?? undefined, error: undefined, createTime: undefined, endTime: undefined },
    partPath,
  );
  context.failpoint('while-downloading');
  renameSync(partPath, finalPath);
  return finalPath;
}

function missingReason(job: JobRow): string {
  switch (job.state) {
    case 'expired':
      return 'job expired before this request was processed';
    case 'cancelled':
      return 'job cancelled before this request was processed';
    case 'failed':
      return `job failed${job.error ? ` (${job.error})` : ''}`;
    case 'lost':
      return 'the provider lost the job';
    default:
      return 'missing from the results file';
  }
}
