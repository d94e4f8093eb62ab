/**
 * @module Cutting a stage's pending requests into batch jobs: write each shard's JSONL input file, then record
 * the job (with its estimated cost) and assign its requests to it in one transaction. A request is never in two
 * live jobs. A stage with a canary first sends only its largest documents, and the rest once the canary passes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import type { JobRow } from '../ledger/index.ts';
import { requestCodecFor } from '../providers/registry.ts';
import { ShardWriter } from '../requests/index.ts';
import { CanaryError, ProviderError, randomId } from '../shared/index.ts';
import type { EngineContext } from './context.ts';
import { estimateJobUsd } from './costing.ts';
import { cacheForNextJob, tendCaches } from './cache-lifecycle.ts';
import { bindCachedContext } from './stage-context.ts';
import { DocumentBinder, reconcileUploadIntents } from './document-uploads.ts';
import { submissionLine } from './submission-line.ts';

/** Where a stage's canary stands: none yet (send one), in flight, passed, or failed in this run. */
type CanaryState = 'needed' | 'live' | 'passed';

/**
 * The canary state of `stage`; throws {@link CanaryError} when this run's canary fell below its valid rate. A
 * canary that failed in an earlier run is tried afresh (the user has presumably fixed the prompt or the rules).
 */
function canaryState(context: EngineContext, stage: StageConfig, runStartedAt: number): CanaryState {
  const canary = stage.canary;
  if (!canary) return 'passed';
  const latest = context.ledger.latestCanary(stage.name);
  if (!latest) return 'needed';
  if (latest.job.state !== 'collected') return 'live';
  const rate = latest.total === 0 ? 0 : latest.valid / latest.total;
  if (rate >= canary.minValidRate) return 'passed';
  if (latest.job.created_at < runStartedAt) return 'needed';
  const problems = latest.problems.map((problem) => `  ${problem.n} × ${problem.reason}`).join('\n');
  throw new CanaryError(
    `canary for ${stage.name}: ${latest.valid} of ${latest.total} valid (${Math.round(rate * 100)}%), below minValidRate ` +
      `${Math.round(canary.minValidRate * 100)}%; the rest of the stage was not submitted.\n${problems}\n` +
      'Fix the prompt or the validation rules, then run again.',
  );
}

/** How much one call to {@link shardStage} may cut: the rest stays pending for the next call. */
export interface ShardLimit {
  maxJobs: number;
  maxRequests: number;
}

/** Puts the pending requests of `stage` into new planned jobs (a canary first, when configured), within `limit`. */
export async function shardStage(
  context: EngineContext,
  stage: StageConfig,
  runStartedAt: number,
  limit: ShardLimit = { maxJobs: Infinity, maxRequests: Infinity },
): Promise<JobRow[]> {
  const state = canaryState(context, stage, runStartedAt);
  if (state === 'live') return [];
  const sample = state === 'needed' && stage.canary ? new Set(context.ledger.largestPendingKeys(stage.name, stage.canary.size)) : undefined;
  return writeJobs(context, stage, sample, limit);
}

async function writeJobs(context: EngineContext, stage: StageConfig, only: ReadonlySet<string> | undefined, limit: ShardLimit): Promise<JobRow[]> {
  const { ledger, config } = context;
  const inputsDir = join(context.stateDir, 'inputs');
  mkdirSync(inputsDir, { recursive: true });
  const writer = new ShardWriter({
    dir: inputsDir,
    prefix: `${stage.name}-${randomId(8)}`,
    maxRequests: only ? Math.max(only.size, 1) : config.sharding.maxRequestsPerJob,
    maxBytes: config.sharding.maxBytesPerJob,
    maxShards: limit.maxJobs,
  });
  // The stage's provider's codec, as planning encoded the stored bodies with (see prepare-document.ts).
  const codec = requestCodecFor(stage.provider);
  const expected = Math.min(only?.size ?? Infinity, limit.maxRequests, config.sharding.maxRequestsPerJob ?? Infinity, ledger.pending(stage.name).count);
  const cache = await cacheForNextJob(context, stage, expected);
  // PDFs and images are bound as the lines are written: uploaded (or reused) just before the job is created.
  await reconcileUploadIntents(context);
  const documents = new DocumentBinder(context, stage);
  await documents.prepare(() => take(ledger.pendingRequests(stage.name, only), limit.maxRequests));
  let taken = 0;
  for (const request of ledger.pendingRequests(stage.name, only)) {
    if (taken++ >= limit.maxRequests) break;
    // Its document found no room in the provider's file storage: it waits for the next cut.
    if (!documents.ready(request.request_json)) continue;
    const line = documents.bind(submissionLine(codec, request));
    // The cache's name goes into the line only here: the stored request (and its fingerprint) keeps the context.
    const placed = await writer.add(cache === undefined ? line : { ...line, requestJson: bindCachedContext(codec, line.requestJson, cache.name, cache.sharedParts) });
    if (placed === 'full') break;
  }
  const jobs: JobRow[] = [];
  const shards = await writer.finish();
  const quotaFull = documents.quotaFull;
  if (shards.length === 0 && quotaFull !== undefined && !ledger.uploads.heldByLiveJobs()) {
    if (cache !== undefined) await tendCaches(context, { includeUnclaimed: true });
    throw new ProviderError(
      context.providerFor(stage.name).name,
      `${stage.name}: the provider's file storage has no room for the documents to upload, and no job of this project holds files that ` +
        `will be freed: ${quotaFull}. Delete files at the provider (or raise its quota), then run again.`,
      { isRetryable: false },
    );
  }
  for (const shard of shards) {
    // One transaction: a job is never recorded without the cache and the uploads its lines name.
    const planned = ledger.transaction(() => {
      const created = ledger.createJob({
        stage: stage.name,
        displayNamePrefix: `${context.displayNamePrefix}-${stage.name}`,
        model: stage.model,
        provider: stage.provider,
        inputPath: shard.path,
        sizeBytes: shard.sizeBytes,
        keys: shard.keys,
        canary: only !== undefined,
      });
      if (cache !== undefined) ledger.caches.attachJob(cache.cacheId, created.id);
      ledger.uploads.linkJob(created.id, documents.uploadsOf(shard.keys));
      return created;
    });
    const job = ledger.updateJob(planned.id, planned.state, { estimated_usd: estimateJobUsd(ledger, context.prices, planned) });
    ledger.addEvent(
      'job-planned',
      `${job.display_name}: ${shard.requestCount} requests, ${shard.sizeBytes} bytes${only ? ' (canary)' : ''}`,
      { stage: stage.name, jobId: job.id },
    );
    context.reporter.job(job);
    jobs.push(job);
  }
  // Nothing was cut after all: the cache no job references is deleted at once.
  if (cache !== undefined && jobs.length === 0) await tendCaches(context, { includeUnclaimed: true });
  return jobs;
}

/** The first `count` items of `items`. */
function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  let taken = 0;
  for (const item of items) {
    if (taken++ >= count) return;
    yield item;
  }
}
