/**
 * @module Collecting finished jobs: stream the result file to disk, read it line by line, join on the request
 * key, validate, write outputs atomically and record every outcome. Expired, cancelled and failed jobs are
 * collected too: whatever finished is kept, the rest goes back for a new attempt. Re-collecting after a crash
 * skips what was already recorded.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import { COLLECTABLE_STATES, type JobRow } from '../ledger/index.ts';
import { createKeyJoin, evaluateResult } from '../results/index.ts';
import { compileValidator, type Validator } from '../validation/index.ts';
import type { EngineContext } from './context.ts';
import { settleJobCost } from './costing.ts';
import { resultRecord, writeOutput } from './verdicts.ts';

/** Tallies of one job's collection, for the summary and the ledger's events. */
export interface CollectSummary {
  valid: number;
  invalid: number;
  failed: number;
  missing: number;
  duplicates: number;
  unknown: number;
  malformed: number;
}

/** Collects every collectable job of the given stages. */
export async function collectJobs(context: EngineContext, stages: readonly StageConfig[]): Promise<void> {
  const validators = new Map<string, Validator>();
  for (const job of context.ledger.jobs({ states: COLLECTABLE_STATES })) {
    const stage = stages.find((candidate) => candidate.name === job.stage);
    if (!stage) continue;
    let validator = validators.get(stage.name);
    if (!validator) {
      validator = compileValidator(stage.validation);
      validators.set(stage.name, validator);
    }
    await collectJob(context, stage, job, validator);
  }
}

async function collectJob(context: EngineContext, stage: StageConfig, job: JobRow, validator: Validator): Promise<void> {
  const { ledger, provider } = context;
  const summary: CollectSummary = { valid: 0, invalid: 0, failed: 0, missing: 0, duplicates: 0, unknown: 0, malformed: 0 };
  if (job.output_file !== null) {
    const resultPath = await downloadOnce(context, job);
    const join_ = createKeyJoin(ledger.openAttempts(job.id).map((attempt) => attempt.key));
    for await (const item of provider.readResults(resultPath)) {
      if (item.kind === 'malformed') {
        summary.malformed++;
        ledger.addEvent('result-malformed', `${job.display_name} line ${item.lineNumber}: ${item.reason}`, { stage: stage.name, jobId: job.id });
        continue;
      }
      const seen = join_.see(item.key);
      const attempt = ledger.attemptInJob(job.id, stage.name, item.key);
      if (seen === 'duplicate' || (seen === 'expected' && !attempt)) {
        summary.duplicates++;
        ledger.addEvent('result-duplicate', `${job.display_name}: key ${item.key} appears more than once; first kept`, { stage: stage.name, jobId: job.id });
        continue;
      }
      if (seen === 'unknown' || !attempt) {
        // Either a key never submitted, or one already recorded by an earlier (interrupted) collection.
        if (!attempt) {
          summary.unknown++;
          ledger.addEvent('result-unknown', `${job.display_name}: result for unknown key ${item.key} ignored`, { stage: stage.name, jobId: job.id });
        }
        continue;
      }
      const verdict = evaluateResult(item, validator);
      let outputPath: string | undefined;
      if (verdict.status === 'valid') {
        outputPath = await writeOutput(stage, attempt.doc_id, item.key, verdict.output, job.finished_at ?? job.created_at);
        context.failpoint('while-writing-outputs');
      }
      ledger.recordResult(attempt.id, resultRecord(stage, item, verdict, outputPath));
      summary[verdict.status]++;
    }
    const report = join_.report();
    summary.duplicates = Math.max(summary.duplicates, report.duplicates.length);
  }
  for (const open of ledger.openAttempts(job.id)) {
    summary.missing++;
    const reason = missingReason(job);
    ledger.recordResult(open.id, { state: 'failed', reason });
  }
  const actualUsd = settleJobCost(ledger, context.prices, job);
  const collected = ledger.updateJob(job.id, 'collected', { collected_at: context.clock.now(), actual_usd: actualUsd });
  const text = Object.entries(summary).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`).join(', ');
  ledger.addEvent('job-collected', `${job.display_name}: ${text || 'no results'}`, { stage: stage.name, jobId: job.id });
  context.reporter.job(collected);
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
