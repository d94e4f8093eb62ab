/**
 * @module The fake provider's calls: each one counted by operation, and the scripted failures (`FakeCallFailure`)
 * thrown when due, as a real service's outages and refusals.
 */
import { ProviderError } from '../../shared/index.ts';
import type { FakeCallFailure, FakeOperation } from './fake-script.ts';

const OPERATIONS: readonly FakeOperation[] = [
  'uploadFile', 'createJob', 'getJob', 'findJobsByDisplayName', 'cancelJob', 'downloadResults', 'deleteFile', 'uploadDocument', 'listDocuments', 'generate',
];

/** Call counts and the scripted failures still due. */
export class FakeCalls {
  readonly #providerName: string;
  readonly #failures: { failure: FakeCallFailure; left: number }[] = [];
  readonly #counts = new Map<FakeOperation, number>();

  constructor(providerName: string) {
    this.#providerName = providerName;
  }

  /** Makes the next calls of an operation fail. */
  failNext(failure: FakeCallFailure): void {
    this.#failures.push({ failure, left: failure.times ?? 1 });
  }

  /** Ends every scripted failure still due: the outage is over. */
  recover(): void {
    this.#failures.splice(0);
  }

  /** Counts a call, and throws its scripted failure if one is due. */
  enter(operation: FakeOperation, where: string): void {
    this.#counts.set(operation, (this.#counts.get(operation) ?? 0) + 1);
    const due = this.#failures.find((each) => each.failure.operation === operation && each.left > 0);
    if (!due) return;
    due.left--;
    const retryable = due.failure.retryable ?? true;
    const status = due.failure.status ?? (retryable ? 503 : 400);
    const { retryAfterMs } = due.failure;
    throw new ProviderError(this.#providerName, `fake ${where} failed: HTTP ${status} (scripted)`, {
      status,
      isRetryable: retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(due.failure.refusedLines === undefined ? {} : { refusedLines: due.failure.refusedLines }),
    });
  }

  /** Calls so far, by operation (every operation, 0 when never called). */
  counts(): Record<FakeOperation, number> {
    return Object.fromEntries(OPERATIONS.map((operation) => [operation, this.#counts.get(operation) ?? 0])) as Record<FakeOperation, number>;
  }
}
