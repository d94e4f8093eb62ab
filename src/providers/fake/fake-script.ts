/** @module How a test scripts the fake provider: job timing and outcomes, failing calls, and the model's answers. */
import type { RefusedLine } from '../../shared/index.ts';

/** The provider calls a script can make fail. */
export type FakeOperation =
  | 'uploadFile' | 'createJob' | 'getJob' | 'findJobsByDisplayName' | 'cancelJob' | 'downloadResults' | 'deleteFile' | 'uploadDocument' | 'listDocuments'
  | 'generate';

/** What the fake model says for one request. */
export type FakeAnswer =
  | { text: string; finishReason?: string }
  | { error: { code: number; message: string } }
  /** No line at all for this request in the results (a provider that drops one). */
  | { omitted: true };

/** How jobs whose display name contains `displayNameContains` behave (the first matching rule wins). */
export interface FakeJobRule {
  displayNameContains: string;
  /** @default the service's `pendingMs` */
  pendingMs?: number;
  /** @default the service's `runMs` */
  runMs?: number;
  /**
   * How the job ends after its run: `succeeded`; `failed` or `expired` (with the first `completedLines` requests
   * answered); `stuck` never ends by itself (until cancelled, or expired after `jobExpiryMs`).
   * @default 'succeeded'
   */
  outcome?: 'succeeded' | 'failed' | 'expired' | 'stuck';
  /** Requests answered before a `failed` or `expired` end. @default 0 */
  completedLines?: number;
  /** The job is created at the provider, but the reply is lost: `createJob` rejects with a retryable error. */
  loseCreateReply?: boolean;
  /** The provider forgets the job this long after creating it (`getJob` then rejects with NotFoundError). */
  forgetAfterMs?: number;
}

/** A scripted failure of the next `times` calls of `operation`. */
export interface FakeCallFailure {
  operation: FakeOperation;
  /** @default 1 */
  times?: number;
  /** @default true */
  retryable?: boolean;
  /** @default 503 when retryable, else 400 */
  status?: number;
  /** Input lines the failure names (a create refused for bad lines, as Gemini refuses one). */
  refusedLines?: RefusedLine[];
  /** How long the failure asks the caller to wait (as a `Retry-After` would). */
  retryAfterMs?: number;
}

/** Everything a test can script. */
export interface FakeScript {
  /** How long a job is pending before it runs. @default 0 */
  pendingMs?: number;
  /** How long a job runs. @default 1000 */
  runMs?: number;
  /** A job still unfinished this long after creation expires (Gemini: 48 hours). @default 172800000 */
  jobExpiryMs?: number;
  jobs?: FakeJobRule[];
  failures?: FakeCallFailure[];
  /** Result files cannot be deleted (as Gemini's cannot): the provider says so, and deleting one fails. @default false */
  undeletableResultFiles?: boolean;
  /**
   * The model: the answer to one request. Deterministic by default: the text `{"key":"<key>"}`.
   * `request` is the request as written in the input line.
   */
  answer?: (key: string, request: unknown) => FakeAnswer;
}
