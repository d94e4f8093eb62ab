/** @module What the Gemini batch provider declares about itself (light: loads no SDK, so the registry can read it). */
import type { ProviderCapabilities } from '../batch-provider.ts';

/** Gemini keeps uploaded and result files for 48 hours. */
const FILE_EXPIRY_MS = 48 * 60 * 60 * 1000;

/**
 * Uploaded JSONL in, one result file out, reconciled by display name. 2 GB per file; an inline create must stay
 * under 20 MB; no documented cap on requests per job (the project's `sharding.maxRequestsPerJob` sets one).
 * Result files cannot be deleted: their id `batch-<36 chars>` is over the Files API's 40-character limit, so
 * files.get and files.delete answer 400 and only `:download` reads them (python-genai#1613, #1759; go-genai#436).
 */
export const GEMINI_CAPABILITIES: ProviderCapabilities = Object.freeze({
  input: 'uploaded-file',
  reconciliation: 'display-name',
  results: 'one-file',
  deletableResultFiles: false,
  limits: Object.freeze({
    maxRequestsPerJob: undefined,
    maxBytesPerJob: 2_000_000_000,
    maxInlineBytes: 20_000_000,
    fileExpiryMs: FILE_EXPIRY_MS,
  }),
});
