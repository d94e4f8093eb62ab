/** @module What the Anthropic Message Batches provider declares (light: the registry reads it without the SDK). */
import type { ProviderCapabilities } from '../batch-provider.ts';

/**
 * Requests travel inline in the create call (there is no upload), a lost create is found by the provider's own
 * strategy (a batch has no name or metadata; see README.md), and results come as a stream that `downloadResults`
 * stores line by line. Limits: 100,000 requests or 256 MB per batch (Message Batches docs). The shard limit is
 * 250 MB: a create body line also carries the model and a `custom_id`, up to about 60 bytes more than the stored
 * line, 6 MB over 100,000 lines. The body is streamed from the shard, never built in memory.
 */
export const ANTHROPIC_CAPABILITIES: ProviderCapabilities = Object.freeze({
  input: 'inline',
  reconciliation: 'provider-strategy',
  results: 'stream',
  // Deleting a batch deletes its results; they expire after 29 days on their own.
  deletableResultFiles: false,
  limits: Object.freeze({
    maxRequestsPerJob: 100_000,
    maxBytesPerJob: 250_000_000,
    maxInlineBytes: 256_000_000,
    // Results can be downloaded for 29 days after the batch is created.
    fileExpiryMs: 29 * 24 * 60 * 60 * 1000,
  }),
});
