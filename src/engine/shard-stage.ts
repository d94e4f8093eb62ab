/**
 * @module Cutting a stage's pending requests into batch jobs: write each shard's JSONL input file, then record
 * the job and assign its requests to it in one transaction. A request is never in two live jobs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import type { JobRow } from '../ledger/index.ts';
import { ShardWriter } from '../requests/index.ts';
import { randomId } from '../shared/index.ts';
import type { EngineContext } from './context.ts';

/** Appends a repair note (why the last answer was rejected) as a last user part. */
function withRepairNote(requestJson: string, note: string | null): unknown {
  const request = JSON.parse(requestJson) as { contents?: { parts?: { text?: string }[] }[] };
  if (note === null) return request;
  const first = request.contents?.[0];
  first?.parts?.push({ text: note });
  return request;
}

/** Puts every pending request of `stage` into new planned jobs; returns the jobs made. */
export async function shardStage(context: EngineContext, stage: StageConfig): Promise<JobRow[]> {
  const { ledger, config } = context;
  const inputsDir = join(context.stateDir, 'inputs');
  mkdirSync(inputsDir, { recursive: true });
  const writer = new ShardWriter({
    dir: inputsDir,
    prefix: `${stage.name}-${randomId(8)}`,
    maxRequests: config.sharding.maxRequestsPerJob,
    maxBytes: config.sharding.maxBytesPerJob,
  });
  let count = 0;
  for (const request of ledger.pendingRequests(stage.name)) {
    await writer.add({ key: request.key, request: withRepairNote(request.request_json, request.repair_note) });
    count++;
  }
  const shards = await writer.finish();
  if (count === 0) return [];
  const jobs: JobRow[] = [];
  for (const shard of shards) {
    const job = ledger.createJob({
      stage: stage.name,
      displayNamePrefix: `${context.displayNamePrefix}-${stage.name}`,
      model: stage.model,
      inputPath: shard.path,
      sizeBytes: shard.sizeBytes,
      keys: shard.keys,
    });
    ledger.addEvent('job-planned', `${job.display_name}: ${shard.requestCount} requests, ${shard.sizeBytes} bytes`, {
      stage: stage.name,
      jobId: job.id,
    });
    context.reporter.job(job);
    jobs.push(job);
  }
  return jobs;
}
