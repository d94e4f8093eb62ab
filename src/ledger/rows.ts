/** @module Row shapes of the ledger's tables, as SQLite returns them. */
import type { TokenUsage } from '../providers/index.ts';
import type { RepairKind } from '../validation/index.ts';
import type { JobState } from './job-states.ts';

export interface RequestRow {
  id: number;
  stage: string;
  doc_id: string;
  key: string;
  fingerprint: string;
  model: string;
  state: 'pending' | 'in_job' | 'valid' | 'given_up';
  attempts: number;
  max_attempts: number;
  repair_note: string | null;
  last_reason: string | null;
  output_path: string | null;
  /** The size of the output file as written: a different size on disk means it is damaged and is rewritten. */
  output_bytes: number | null;
  /** The attempt whose stored answer was reused (cache hit), if any. */
  cached_from: number | null;
  /** JSON of {@link Lineage}. */
  lineage: string | null;
  estimated_input_tokens: number | null;
  estimated_output_tokens: number | null;
  updated_at: number;
}

/** Where a request (and so its output) came from. */
export interface Lineage {
  document: { id: string; path: string; contentHash: string } | undefined;
  upstream: { stage: string; key: string; fingerprint: string; outputPath: string }[];
  prompt: { file: string | undefined; sha256: string };
  systemSha256: string | undefined;
  model: string;
  generationConfigSha256: string;
  fingerprint: string;
}

export interface JobRow {
  id: number;
  stage: string;
  display_name: string;
  state: JobState;
  model: string;
  input_path: string;
  request_count: number;
  size_bytes: number;
  input_file: string | null;
  remote_name: string | null;
  remote_state: string | null;
  succeeded_count: number;
  failed_count: number;
  /** 1 once the provider has reported the request counts (Anthropic: only when the batch has ended), else 0. */
  counts_reported: number;
  /** The registry name of the provider the job was cut for; null for a job cut before it was recorded. */
  provider: string | null;
  output_file: string | null;
  error: string | null;
  created_at: number;
  submitted_at: number | null;
  finished_at: number | null;
  collected_at: number | null;
  polls: number;
  canary: number;
  estimated_usd: number | null;
  actual_usd: number | null;
  updated_at: number;
}

export interface AttemptRow {
  id: number;
  request_id: number;
  attempt_no: number;
  job_id: number;
  fingerprint: string;
  state: 'in_job' | 'valid' | 'invalid' | 'failed';
  reason: string | null;
  issues: string | null;
  response: string | null;
  prompt_tokens: number | null;
  output_tokens: number | null;
  thoughts_tokens: number | null;
  cached_tokens: number | null;
  total_tokens: number | null;
  model_version: string | null;
  finished_at: number | null;
  /** Why a failed or invalid attempt failed. */
  failure_kind: FailureKind | null;
  /** JSON array of the {@link RepairKind}s made to the answer, or null when none. */
  repairs: string | null;
}

/**
 * Why an attempt failed: its result line was a provider error, blocked, empty, truncated (MAX_TOKENS) or not JSON;
 * its JSON broke a rule (the code of its first error: schema, required, any-of, not-object); or it never had a line
 * (missing from the results file, or its job ended first). `other`: recorded before this was kept and not recognised.
 */
export type FailureKind =
  | 'provider-error' | 'blocked' | 'empty' | 'truncated' | 'unparseable'
  | 'schema' | 'required' | 'any-of' | 'not-object'
  | 'missing-key' | 'job-expired' | 'job-cancelled' | 'job-failed' | 'job-lost' | 'other';

/** An output file as written. */
export interface WrittenOutput {
  path: string;
  bytes: number;
}

/** A pending request with its rendered body (the GenerateContentRequest as planned, without any repair note). */
export type PendingRequest = Pick<RequestRow, 'id' | 'key' | 'repair_note'> & { request_json: string };

/** The outcome of one attempt, as the collector records it. */
export interface ResultRecord {
  state: 'valid' | 'invalid' | 'failed';
  reason?: string;
  issues?: unknown;
  /** The provider's raw response (or error) line, kept so validation can be re-run offline. */
  response?: string;
  usage?: TokenUsage | undefined;
  modelVersion?: string | undefined;
  /** Where the output of a valid answer was written, and its size. */
  output?: WrittenOutput;
  /** For a failed or invalid attempt: a note for the model on the next attempt. */
  repairNote?: string;
  /** For a failed or invalid attempt: why. */
  failureKind?: FailureKind;
  /** What was repaired to judge the answer (each kind once). */
  repairs?: readonly RepairKind[];
}
