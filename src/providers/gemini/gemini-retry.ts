/**
 * @module Short in-provider retries for idempotent reads (get, list, download). The engine retries with its own,
 * longer backoff on top; this only smooths over a blip so one 503 does not cost a whole poll interval.
 */
import { ProviderError, type Clock } from '../../shared/index.ts';

/** How often and how patiently an idempotent read is retried. */
export interface ReadRetryPolicy {
  /** Total tries including the first; 1 disables retrying. */
  attempts: number;
  /** Wait before the second try; doubles for each further one. */
  initialDelayMs: number;
  /** Upper bound for one wait. */
  maxDelayMs: number;
}

/** 3 tries, waiting 1 s then 2 s. */
export const DEFAULT_READ_RETRY: ReadRetryPolicy = { attempts: 3, initialDelayMs: 1000, maxDelayMs: 8000 };

/**
 * Runs `call` (which must throw translated errors) and retries it while it fails with a retryable
 * {@link ProviderError}, sleeping on `clock` between tries. Any other error, or the last failure, is rethrown.
 */
export async function retryingRead<T>(policy: ReadRetryPolicy, clock: Clock, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.isRetryable || attempt >= policy.attempts) throw error;
      await clock.sleep(Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs));
    }
  }
}
