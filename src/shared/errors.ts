/**
 * @module One error family, organised by what the caller can do about it. Every error truebatch throws is a
 * {@link TrueBatchError}; the CLI maps `exitCode` to the process exit code.
 */
// The exit-code table has no imports: reading it from here keeps one table without a dependency cycle.
import { ExitCode, type ExitCodeValue } from '../cli/exit-codes.ts';

/** Machine-readable error kinds. */
export type ErrorCode =
  | 'config'
  | 'input'
  | 'provider'
  | 'api-key'
  | 'not-found'
  | 'job-state'
  | 'ledger'
  | 'locked'
  | 'budget'
  | 'canary'
  | 'filesystem'
  | 'cancelled'
  | 'unreachable'
  | 'worker';

/** Base of every error truebatch throws on purpose. */
export class TrueBatchError extends Error {
  readonly code: ErrorCode;
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: ExitCodeValue;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; exitCode?: ExitCodeValue }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? ExitCode.unexpected;
  }
}

/** A bad config file, flag or environment: fix the config and run again (exit 2). */
export class ConfigError extends TrueBatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config', message, { ...options, exitCode: ExitCode.usage });
  }
}

/** One bad input: a document or a JSONL line, with where it is. */
export class InputError extends TrueBatchError {
  readonly location: string;
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super('input', `${location}: ${message}`, options);
    this.location = location;
  }
}

/** One input line a provider refused a whole job for: its 1-based line number in the job's input file, and why. */
export interface RefusedLine {
  readonly lineNumber: number;
  readonly reason: string;
}

/**
 * The provider refused or failed a call. `isRetryable` says whether the same call may succeed later; `refusedLines`
 * names the input lines a create was refused for, when the provider says which.
 */
export class ProviderError extends TrueBatchError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly isRetryable: boolean;
  readonly refusedLines: readonly RefusedLine[];
  /** How long the provider asked to wait before trying again (`Retry-After`, `RetryInfo`), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    provider: string,
    message: string,
    options: {
      status?: number;
      isRetryable: boolean;
      retryAfterMs?: number;
      cause?: unknown;
      refusedLines?: readonly RefusedLine[];
    },
    kind: { code: 'provider' | 'api-key'; exitCode: ExitCodeValue } = { code: 'provider', exitCode: ExitCode.unexpected },
  ) {
    super(kind.code, message, { exitCode: kind.exitCode, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.provider = provider;
    this.status = options.status;
    this.isRetryable = options.isRetryable;
    this.refusedLines = options.refusedLines ?? [];
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A provider cannot tell yet whether a create whose answer was lost made a job (Anthropic: a batch carries no name,
 * and shows which requests it holds only once it has ended). Nothing is created meanwhile: the engine keeps the
 * intent and asks again on a later pass.
 */
export class CreateUndecidedError extends TrueBatchError {
  constructor(message: string) {
    super('provider', message);
  }
}

/**
 * No call to the provider succeeded for the configured patience (`resilience.patienceMs`): the run stops (exit 8),
 * losing nothing; running again resumes.
 */
export class ProviderUnreachableError extends TrueBatchError {
  /** When the provider last answered (or the run started, if it never did). */
  readonly since: number;
  constructor(message: string, since: number) {
    super('unreachable', message, { exitCode: ExitCode.providerUnreachable });
    this.since = since;
  }
}

/**
 * The provider rejected the API key (invalid, missing or without permission): a usage problem, not a provider
 * failure, so never retried (exit 2). The message says what the provider answered, never the key.
 */
export class ApiKeyRejectedError extends ProviderError {
  constructor(provider: string, message: string, options: { status: number; cause?: unknown }) {
    super(provider, message, { ...options, isRetryable: false }, { code: 'api-key', exitCode: ExitCode.usage });
  }
}

/** A named thing (job, file, stage, output) does not exist. */
export class NotFoundError extends TrueBatchError {
  constructor(message: string) {
    super('not-found', message);
  }
}

/** An illegal state transition was attempted: a bug or a corrupted ledger. */
export class JobStateError extends TrueBatchError {
  constructor(message: string) {
    super('job-state', message);
  }
}

/** Another process holds the project's lock. */
export class LockedError extends TrueBatchError {
  constructor(message: string) {
    super('locked', message, { exitCode: ExitCode.usage });
  }
}

/** Submitting more would exceed a budget (exit 4). */
export class BudgetError extends TrueBatchError {
  constructor(message: string) {
    super('budget', message, { exitCode: ExitCode.budget });
  }
}

/** A stage's canary batch did not reach its valid rate: fix the prompt or rules before spending more (exit 6). */
export class CanaryError extends TrueBatchError {
  constructor(message: string) {
    super('canary', message, { exitCode: ExitCode.canary });
  }
}

/** A file or folder could not be read or written. */
export class FilesystemError extends TrueBatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('filesystem', message, options);
  }
}

/** The run was interrupted on purpose (Ctrl-C): work in flight stays at the provider (exit 130). */
export class CancelledError extends TrueBatchError {
  constructor(message: string) {
    super('cancelled', message, { exitCode: ExitCode.interrupted });
  }
}

/** A worker thread died or threw: a bug or a thread out of memory, not something the input or config did. */
export class WorkerError extends TrueBatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('worker', message, options);
  }
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something else already stands at that path',
  ENOENT: 'no such file or folder',
  EMFILE: 'too many open files',
};

/** Why a file operation failed, in plain words for the known codes ("the disk is full"), else the error's message. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code === undefined ? undefined : FS_REASONS[code]) ?? errorMessage(error);
}

/**
 * A {@link FilesystemError} with a plain message for a Node.js file system error (`ENOSPC`, `EROFS`, `ENOTDIR`, …),
 * or undefined when `error` is not one. The CLI's error boundary uses it so no raw stack reaches the user.
 */
export function filesystemErrorFrom(error: unknown): FilesystemError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  if (code === undefined || path === undefined) {
    // SQLite reports file trouble with its own codes.
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR') {
      return new FilesystemError(`the ledger cannot be written (${code}): ${error.message}`, { cause: error });
    }
    return undefined;
  }
  const reason = syscall === 'mkdir' && code === 'EEXIST' ? 'a file stands there, not a folder' : fileErrorReason(error);
  return new FilesystemError(`cannot ${syscall ?? 'use'} ${path}: ${reason}`, { cause: error });
}
