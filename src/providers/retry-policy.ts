/**
 * @module The one retry policy for provider calls that are safe to repeat (reads, downloads, deletes, cancels,
 * upload chunks after an offset query): exponential backoff with full jitter, where the provider's own hint
 * (`Retry-After`, Google's `RetryInfo.retryDelay`, carried as {@link ProviderError.retryAfterMs}) wins. Provider
 * neutral: each provider's error translation extracts the hint.
 */
import { ProviderError, type Clock } from '../shared/index.ts';

/** How often and how patiently a call that is safe to repeat is retried. */
export interface RetryPolicy {
  /** Total tries including the first; 1 disables retrying. */
  attempts: number;
  /** The backoff ceiling of the first retry; it doubles for each further one. */
  initialDelayMs: number;
  /** Upper bound for one computed wait (a provider's own hint may ask for longer and is honoured). */
  maxDelayMs: number;
}

/**
 * 5 tries, backoff ceilings 1, 2, 4, 8 s. Short on purpose: a call that still fails goes back to the engine, which
 * does other work and tries again later, until `resilience.patienceMs` without any successful call.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 });

/** A source of numbers in [0, 1): `Math.random`, or a seeded one in tests. */
export type Random = () => number;

/** What a retry is told to its observer: which call, why (an HTTP status or `network`), and how long it waits. */
export interface RetryEvent {
  endpoint: string;
  status: string;
  delayMs: number;
}

/** The status label of a failure: its HTTP status, or `network` when there was no answer. */
export function failureStatus(error: unknown): string {
  return error instanceof ProviderError && error.status !== undefined ? String(error.status) : 'network';
}

/** Whether `error` is a failure the same call may get past later. */
export function isTransient(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.isRetryable;
}

/** Whether the provider refused the call before doing any work (429 quota, 503 overloaded): safe to repeat a POST. */
export function isRefusedBeforeAnswer(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.status === 429 || error.status === 503);
}

/**
 * The wait before retry number `retry` (1 = the first retry): the provider's hint when there is one, else full
 * jitter, a uniform draw in [0, min(maxDelayMs, initialDelayMs * 2^(retry-1))).
 */
export function retryDelay(policy: RetryPolicy, retry: number, random: Random, hintMs?: number): number {
  if (hintMs !== undefined && hintMs >= 0) return hintMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Options of {@link withRetries}. */
export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  random: Random;
  /** Told before each wait (to count retries by endpoint and status). */
  onRetry?: (event: RetryEvent) => void;
  signal?: AbortSignal;
  /** Which failures are retried. @default isTransient */
  retryable?: (error: unknown) => error is ProviderError;
}

/**
 * Runs `call` and retries it while it fails transiently ({@link isTransient}), waiting {@link retryDelay} on the
 * clock between tries. Any other error, or the last failure, is rethrown.
 */
export async function withRetries<T>(endpoint: string, options: RetryOptions, call: () => Promise<T>): Promise<T> {
  const { policy, clock, random } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(options.retryable ?? isTransient)(error) || attempt >= policy.attempts) throw error;
      const delayMs = retryDelay(policy, attempt, random, error.retryAfterMs);
      options.onRetry?.({ endpoint, status: failureStatus(error), delayMs });
      await clock.sleep(delayMs, options.signal);
    }
  }
}
