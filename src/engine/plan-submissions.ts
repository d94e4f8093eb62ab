/**
 * @module What the next run submits for one stage, as `truebatch plan` reports it: the ledger's requests with the
 * plan's decisions laid over them. The run records those decisions and then cuts every `pending` request of the
 * stage into jobs (`shardStage`), and sends the jobs an earlier run cut but never sent (`submitJobs`); this reads
 * the same rows without writing them. So a plan counts, besides its documents' new, changed and retried requests,
 * given-up requests a raised `maxAttempts` revives and pending requests of documents no longer listed.
 */
import { createHash } from 'node:crypto';
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { RequestCodec } from '../providers/request-codec.ts';
import { inputLineSize } from '../requests/index.ts';
import type { DecidedRequest } from './plan-stage.ts';
import { boundSizeDelta } from './document-uploads.ts';
import { submissionLine } from './submission-line.ts';

/** The requests the next run submits in one stage (from inputs that exist now), and what they weigh. */
export interface StageSubmissions {
  /** Their keys, sorted. */
  keys: string[];
  /** Their estimated tokens, uncalibrated (as the ledger records each request's). */
  estimatedTokens: { input: number; output: number };
  /** Byte sizes of the lines to cut into new jobs, in the order the run cuts them. */
  lineSizes: number[];
  /** Jobs an earlier run cut but did not send: sent as they are. */
  unsentJobs: { requests: number; bytes: number }[];
  /**
   * Pending requests of documents the plan no longer lists (deleted, renamed, now refused, or made from an upstream
   * answer the run redoes): the run sends them too, as they are.
   */
  orphaned: number;
}

/** The submissions of `stage` once the run has recorded `decided` (the stage's plan). */
export function stageSubmissions(
  ledger: Ledger,
  codec: RequestCodec,
  stage: StageConfig,
  decided: ReadonlyMap<string, DecidedRequest>,
): StageSubmissions {
  const result: StageSubmissions = { keys: [], estimatedTokens: { input: 0, output: 0 }, lineSizes: [], unsentJobs: [], orphaned: 0 };
  // By request id, as the run cuts them; new requests (no id yet) last, in the order they are planned.
  const lines: { order: number; size: number }[] = [];
  const add = (key: string, tokens: { input: number; output: number }): void => {
    result.keys.push(key);
    result.estimatedTokens.input += tokens.input;
    result.estimatedTokens.output += tokens.output;
  };
  // Requests already in the ledger: pending ones, and given-up ones planning revives.
  for (const row of ledger.submittableRequests(stage.name)) {
    const decision = decided.get(row.key);
    const staysPending = decision === undefined ? row.state === 'pending' : decision.state === 'pending' && !decision.fresh;
    if (!staysPending) continue;
    if (decision === undefined) result.orphaned++;
    add(row.key, { input: row.estimated_input_tokens ?? 0, output: row.estimated_output_tokens ?? 0 });
    const inlineBytes = boundSizeDelta(row.request_json, (ref) => ledger.uploads.source(ref.contentHash)?.sizeBytes);
    lines.push({ order: row.id, size: inputLineSize(submissionLine(codec, row)) + inlineBytes });
  }
  // New and changed requests carry this plan's rendering: the ledger still holds the old one, or none.
  for (const [key, decision] of decided) {
    if (decision.state !== 'pending' || !decision.fresh) continue;
    add(key, decision.fresh);
    lines.push({ order: decision.fresh.requestId ?? Number.MAX_SAFE_INTEGER, size: decision.fresh.lineSize });
  }
  result.lineSizes = lines.sort((a, b) => a.order - b.order).map((line) => line.size);
  const unsent = new Map<number, number>();
  for (const request of ledger.costs.unsentJobRequests(stage.name)) {
    add(request.key, request);
    unsent.set(request.jobId, (unsent.get(request.jobId) ?? 0) + 1);
  }
  for (const [jobId, requests] of unsent) result.unsentJobs.push({ requests, bytes: ledger.job(jobId).size_bytes });
  result.keys.sort();
  return result;
}

/** A short fingerprint of a sorted key list, to compare plans without listing 100k keys. */
export function keysSha256(keys: readonly string[]): string {
  const hash = createHash('sha256');
  for (const key of keys) hash.update(`${key}\n`);
  return hash.digest('hex');
}
