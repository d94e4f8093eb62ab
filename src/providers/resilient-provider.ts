/**
 * @module Any {@link BatchProvider} made resilient: the calls that are safe to repeat (getJob, the display-name
 * lookup, cancel, download, delete) go through the one retry policy (retry-policy.ts), and every call, repeated or
 * not, tells {@link ProviderHealth} whether the provider answered. Uploads and creates are not retried here: an
 * upload resumes inside the provider, and a create is reconciled by the engine (it is not idempotent).
 */
import type { Clock } from '../shared/index.ts';
import type { BatchProvider, ContextCaches, DocumentFiles, InteractiveModel } from './batch-provider.ts';
import { isRefusedBeforeAnswer, isTransient, withRetries, type Random, type RetryEvent, type RetryPolicy } from './retry-policy.ts';

/** What {@link ProviderHealth} tells its observer (the ledger records both). */
export interface HealthObserver {
  /** A call is about to be retried. */
  retried?(event: RetryEvent): void;
  /** No call has succeeded since `since` for at least the health threshold: the provider is unhealthy. */
  unhealthy?(since: number, reason: string): void;
  /** A call succeeded again after the provider was reported unhealthy. */
  recovered?(at: number): void;
}

/**
 * Whether the provider answers: when it last did, and whether a call has failed since. A failure that is not
 * transient (a 404, a 400) is an answer too; time without calls (a long poll interval) is not silence. The provider
 * is reported unhealthy once calls have failed and none has succeeded for `thresholdMs`.
 */
export class ProviderHealth {
  #lastAnswerAt: number;
  #failedSinceAnswer = false;
  #unhealthySince: number | undefined;
  readonly #clock: Clock;
  readonly #thresholdMs: number;
  readonly #observer: HealthObserver;

  /** `unhealthySince`: as an earlier process left it (its first answer then reports the recovery). */
  constructor(clock: Clock, options: { thresholdMs: number; observer?: HealthObserver; unhealthySince?: number | undefined }) {
    this.#clock = clock;
    this.#lastAnswerAt = clock.now();
    this.#unhealthySince = options.unhealthySince;
    this.#thresholdMs = options.thresholdMs;
    this.#observer = options.observer ?? {};
  }

  /** When the provider last answered (or when this run started, if it has not yet). */
  get lastAnswerAt(): number {
    return this.#lastAnswerAt;
  }

  /** Since when the provider has been reported unhealthy, if it is. */
  get unhealthySince(): number | undefined {
    return this.#unhealthySince;
  }

  /** How long no call has succeeded while calls failed, in ms: 0 unless a call has failed since the last answer. */
  silentForMs(): number {
    return this.#failedSinceAnswer ? this.#clock.now() - this.#lastAnswerAt : 0;
  }

  answered(): void {
    this.#lastAnswerAt = this.#clock.now();
    this.#failedSinceAnswer = false;
    if (this.#unhealthySince === undefined) return;
    this.#unhealthySince = undefined;
    this.#observer.recovered?.(this.#lastAnswerAt);
  }

  /** Records a failed call; `reason` is its message. */
  failed(error: unknown, reason: string): void {
    if (!isTransient(error)) {
      this.answered();
      return;
    }
    this.#failedSinceAnswer = true;
    if (this.#unhealthySince === undefined && this.silentForMs() >= this.#thresholdMs) this.markUnhealthy(reason);
  }

  /** Reports the provider unhealthy since `since` (its last answer unless said), unless it already is. */
  markUnhealthy(reason: string, since: number = this.#lastAnswerAt): void {
    if (this.#unhealthySince !== undefined) return;
    this.#unhealthySince = since;
    this.#observer.unhealthy?.(since, reason);
  }
}

/** Options of {@link resilientProvider}. */
export interface ResilienceOptions {
  policy: RetryPolicy;
  clock: Clock;
  random: Random;
  health: ProviderHealth;
  observer?: HealthObserver;
}

/** `provider` with retries on its repeatable calls and every call's answer reported to `options.health`. */
export function resilientProvider(provider: BatchProvider, options: ResilienceOptions): BatchProvider {
  const { health } = options;
  const watched = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const value = await call();
      health.answered();
      return value;
    } catch (error) {
      health.failed(error, error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
  const retried = <T>(endpoint: string, call: () => Promise<T>): Promise<T> =>
    withRetries(
      endpoint,
      {
        policy: options.policy,
        clock: options.clock,
        random: options.random,
        onRetry: (event) => options.observer?.retried?.(event),
      },
      () => watched(call),
    );
  return {
    name: provider.name,
    capabilities: provider.capabilities,
    uploadFile: (path, settings) => watched(() => provider.uploadFile(path, settings)),
    createJob: (settings) => watched(() => provider.createJob(settings)),
    getJob: (name) => retried('getJob', () => provider.getJob(name)),
    findJobsByDisplayName: (displayName) => retried('findJobsByDisplayName', () => provider.findJobsByDisplayName(displayName)),
    cancelJob: (name) => retried('cancelJob', () => provider.cancelJob(name)),
    downloadResults: (job, destPath) => retried('downloadResults', () => provider.downloadResults(job, destPath)),
    deleteFile: (name) => retried('deleteFile', () => provider.deleteFile(name)),
    readResults: (path) => provider.readResults(path),
    ...(provider.documents === undefined ? {} : { documents: resilientDocuments(provider.documents, watched, retried) }),
    ...(provider.caches === undefined ? {} : { caches: resilientCaches(provider.caches, watched, retried) }),
    ...(provider.interactive === undefined ? {} : { interactive: resilientInteractive(provider.interactive, watched, options) }),
  };
}

/**
 * Interactive calls are paid for and not idempotent: repeated only when the provider refused before answering
 * (429, 503), never after a network failure or another error, when the call may have been answered.
 */
function resilientInteractive(interactive: InteractiveModel, watched: Watched, options: ResilienceOptions): InteractiveModel {
  const retry = { policy: options.policy, clock: options.clock, random: options.random, retryable: isRefusedBeforeAnswer, onRetry: (event: RetryEvent) => options.observer?.retried?.(event) };
  return { generate: (request) => withRetries('generate', retry, () => watched(() => interactive.generate(request))) };
}

type Watched = <T>(call: () => Promise<T>) => Promise<T>;
type Retried = <T>(endpoint: string, call: () => Promise<T>) => Promise<T>;

/** Document files with the same care: an upload is never repeated here (its intent is reconciled by display name). */
function resilientDocuments(documents: DocumentFiles, watched: Watched, retried: Retried): DocumentFiles {
  return {
    upload: (path, options) => watched(() => documents.upload(path, options)),
    list: (prefix) => retried('listDocuments', () => documents.list(prefix)),
  };
}

/** Context caches with the same care: a create is never repeated (it is reconciled by display name instead). */
function resilientCaches(caches: ContextCaches, watched: Watched, retried: Retried): ContextCaches {
  return {
    createCache: (options) => watched(() => caches.createCache(options)),
    getCache: (name) => retried('getCache', () => caches.getCache(name)),
    // Setting a TTL again sets the same expiry from now: safe to repeat.
    extendCache: (name, ttlSeconds) => retried('extendCache', () => caches.extendCache(name, ttlSeconds)),
    deleteCache: (name) => retried('deleteCache', () => caches.deleteCache(name)),
    findCachesByDisplayName: (displayName) => retried('findCachesByDisplayName', () => caches.findCachesByDisplayName(displayName)),
  };
}
