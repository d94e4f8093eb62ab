/** @module What the OpenAI batch provider declares about itself (light: loads no SDK, so the registry can read it). */
import type { ProviderCapabilities } from '../batch-provider.ts';

/** Files with `purpose: batch` are kept 30 days by default (spec §10a, files.ts doc comment). */
const FILE_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * What OpenAI's input line adds around truebatch's, per line, at most: `{"custom_id":…,"method":"POST","url":…,"body":`
 * and `"model":"…",` (a model name up to 60 characters) against `{"key":…,"request":`. The engine cuts shards by
 * truebatch's lines; the provider rewrites them into OpenAI's (openai-input.ts), so the byte limit keeps this room.
 */
export const OPENAI_LINE_OVERHEAD_BYTES = 160;

/** Requests in one batch file (spec §10a "Limits and quotas"). */
const MAX_REQUESTS_PER_JOB = 50_000;

/** Bytes of one batch input file: 200 MB (spec §10a). */
const MAX_BATCH_FILE_BYTES = 200_000_000;

/**
 * Uploaded JSONL in (`purpose: batch`); a lost create found again by the `metadata` tag that carries the job's
 * display name; an output file and an error file out, which `downloadResults` joins into the one file the engine
 * reads. Result files are not deleted: there are two per job and the engine names one; they expire with the rest.
 */
export const OPENAI_CAPABILITIES: ProviderCapabilities = Object.freeze({
  input: 'uploaded-file',
  reconciliation: 'metadata-tag',
  results: 'several-files',
  deletableResultFiles: false,
  limits: Object.freeze({
    maxRequestsPerJob: MAX_REQUESTS_PER_JOB,
    maxBytesPerJob: MAX_BATCH_FILE_BYTES - MAX_REQUESTS_PER_JOB * OPENAI_LINE_OVERHEAD_BYTES,
    maxInlineBytes: undefined,
    fileExpiryMs: FILE_EXPIRY_MS,
  }),
});
