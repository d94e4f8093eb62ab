/** @module What the Gemini batch provider declares about itself (light: loads no SDK, so the registry can read it). */
import type { ProviderCapabilities } from '../batch-provider.ts';

/** Gemini keeps uploaded and result files for 48 hours. */
const FILE_EXPIRY_MS = 48 * 60 * 60 * 1000;

/**
 * Uploaded JSONL in, one result file out, reconciled by display name. 2 GB per file; an inline create must stay
 * under 20 MB; no documented cap on requests per job (the project's `sharding.maxRequestsPerJob` sets one).
 */
export const GEMINI_CAPABILITIES: ProviderCapabilities = Object.freeze({
  input: 'uploaded-file',
  reconciliation: 'display-name',
  results: 'one-file',
  limits: Object.freeze({
    maxRequestsPerJob: undefined,
    maxBytesPerJob: 2_000_000_000,
    maxInlineBytes: 20_000_000,
    fileExpiryMs: FILE_EXPIRY_MS,
  }),
});
