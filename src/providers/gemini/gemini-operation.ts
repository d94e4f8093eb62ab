/**
 * @module The batch Operation as the Gemini API sends it (validated with zod, never cast), and its normalisation
 * into a {@link RemoteJob}. Also normalises the SDK's own `BatchJob`, which lacks counts and the error.
 */
import type { BatchJob } from '@google/genai';
import { z } from 'zod';
import { ProviderError } from '../../shared/index.ts';
import type { RemoteJob, RemoteJobState, RequestCounts } from '../batch-provider.ts';
import { GEMINI_PROVIDER_NAME } from './gemini-errors.ts';
import { camelCaseKeys } from './gemini-json.ts';

/** int64 counters arrive as JSON strings (`"3"`); numbers are accepted too. */
const countSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+$/, 'expected a non-negative integer string').transform(Number),
]);

const rpcStatusSchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
});

const batchOutputSchema = z.object({ responsesFile: z.string().optional() });

/**
 * The fields of a batch Operation that truebatch reads. Unknown fields are ignored; zero counters and a `done`
 * of false are omitted on the wire, so everything but `name` is optional.
 */
export const geminiOperationSchema = z.object({
  name: z.string().min(1),
  metadata: z
    .object({
      displayName: z.string().optional(),
      state: z.string().optional(),
      createTime: z.string().optional(),
      updateTime: z.string().optional(),
      endTime: z.string().optional(),
      batchStats: z
        .object({
          requestCount: countSchema.optional(),
          successfulRequestCount: countSchema.optional(),
          failedRequestCount: countSchema.optional(),
          pendingRequestCount: countSchema.optional(),
        })
        .optional(),
      output: batchOutputSchema.optional(),
    })
    .optional(),
  done: z.boolean().optional(),
  response: batchOutputSchema.optional(),
  error: rpcStatusSchema.optional(),
});

/** A parsed batch Operation. */
export type GeminiOperation = z.infer<typeof geminiOperationSchema>;

const KNOWN_STATES: Readonly<Record<string, RemoteJobState>> = {
  PENDING: 'pending',
  QUEUED: 'pending',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
};

/** What proto3 JSON means by an omitted enum: its zero value. */
const UNSPECIFIED_STATE = 'BATCH_STATE_UNSPECIFIED';

/**
 * Maps a wire state (`BATCH_STATE_*`, or the SDK's `JOB_STATE_*`) to a {@link RemoteJobState}.
 * An unknown state (say a future `BATCH_STATE_CANCELLING`) is never guessed to be terminal from its name: if the
 * Operation says `done`, it is `failed` when it carries an error and `succeeded` otherwise (so results are still
 * collected); if not done, it is `running`, and the engine keeps polling. `UNSPECIFIED` and absent mean `pending`.
 */
export function toRemoteJobState(rawState: string, done: boolean, hasError: boolean): RemoteJobState {
  const suffix = rawState.replace(/^(BATCH|JOB)_STATE_/, '');
  const known = KNOWN_STATES[suffix];
  if (known !== undefined) return known;
  if (done) return hasError ? 'failed' : 'succeeded';
  return suffix === 'UNSPECIFIED' ? 'pending' : 'running';
}

/** Validates a raw Operation (camelCase or snake_case) and normalises it; `where` names the call for errors. */
export function normaliseOperation(value: unknown, where: string): RemoteJob {
  const parsed = geminiOperationSchema.safeParse(camelCaseKeys(value));
  if (!parsed.success) {
    throw new ProviderError(
      GEMINI_PROVIDER_NAME,
      `Gemini ${where}: the answer is not a batch Operation: ${z.prettifyError(parsed.error)}`,
      { isRetryable: false },
    );
  }
  return operationToRemoteJob(parsed.data);
}

/** Normalises a parsed Operation. */
export function operationToRemoteJob(operation: GeminiOperation): RemoteJob {
  const metadata = operation.metadata;
  const rawState = metadata?.state ?? UNSPECIFIED_STATE;
  const error = operation.error === undefined ? undefined : toJobError(operation.error);
  const stats = metadata?.batchStats;
  const requestCounts: RequestCounts | undefined =
    stats === undefined
      ? undefined
      : {
          total: stats.requestCount ?? 0,
          succeeded: stats.successfulRequestCount ?? 0,
          failed: stats.failedRequestCount ?? 0,
          pending: stats.pendingRequestCount ?? 0,
        };
  return {
    name: operation.name,
    displayName: metadata?.displayName,
    state: toRemoteJobState(rawState, operation.done === true, error !== undefined),
    rawState,
    requestCounts,
    outputFile: metadata?.output?.responsesFile ?? operation.response?.responsesFile,
    error,
    createTime: metadata?.createTime,
    endTime: metadata?.endTime,
  };
}

/**
 * Normalises the SDK's `BatchJob` (what `batches.create` and `batches.list` return). It has no request counts and,
 * on the Gemini API, never an error; `getJob` reads the raw Operation for those.
 */
export function batchJobToRemoteJob(job: BatchJob | undefined, where: string): RemoteJob {
  if (job?.name === undefined || job.name === '') {
    throw new ProviderError(GEMINI_PROVIDER_NAME, `Gemini ${where}: the answer has no batch name`, {
      isRetryable: false,
    });
  }
  // The SDK renames BATCH_STATE_X to JOB_STATE_X (and passes other values through): undo it, so rawState is
  // the wire value whichever call produced the job.
  const rawState = job.state === undefined ? UNSPECIFIED_STATE : String(job.state).replace(/^JOB_STATE_/, 'BATCH_STATE_');
  const error = job.error === undefined ? undefined : toJobError(job.error);
  const terminal = job.endTime !== undefined;
  return {
    name: job.name,
    displayName: job.displayName,
    state: toRemoteJobState(rawState, terminal, error !== undefined),
    rawState,
    requestCounts: undefined,
    outputFile: job.dest?.fileName,
    error,
    createTime: job.createTime,
    endTime: job.endTime,
  };
}

function toJobError(status: { code?: number | undefined; message?: string | undefined }): {
  code: number;
  message: string;
} {
  // google.rpc.Code 2 is UNKNOWN: the honest code when the provider gave none.
  return { code: status.code ?? 2, message: status.message ?? '(no message)' };
}
