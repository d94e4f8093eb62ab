/**
 * @module Translates what the OpenAI SDK throws into truebatch's {@link ProviderError}: the HTTP status, whether the
 * same call may succeed later, the server's wait hint, and never the API key.
 */
import { APIConnectionError, APIError } from 'openai';
import { ApiKeyRejectedError, ProviderError, TrueBatchError, errorMessage, redact } from '../../shared/index.ts';
import { OPENAI } from './openai-request.ts';

/** Statuses worth retrying: timeouts, conflicts, rate limits and server failures (the SDK's own `shouldRetry` list). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * How long OpenAI asks to wait, in ms: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date (the
 * headers the SDK itself honours, openai-node `client.ts` retryRequest).
 */
export function retryAfterMsOf(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms !== null && ms !== undefined && Number.isFinite(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms));
  const text = headers?.get('retry-after')?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number.parseFloat(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The {@link ProviderError} for what `operation` threw. An HTTP answer keeps its status (401 and 403 reject the key);
 * a connection that failed or timed out is retryable; a truebatch error passes through; anything else is not
 * retryable (`network`: anything that is not an HTTP answer is the connection's, e.g. a body that broke off while
 * streamed). `secrets` are redacted, and the original error is kept as `cause` only if it holds none of them.
 */
export function toOpenAiError(error: unknown, operation: string, secrets: readonly string[], options: { network?: boolean } = {}): TrueBatchError {
  if (error instanceof TrueBatchError) return error;
  const text = error instanceof Error ? `${error.message} ${String(error.stack)}` : String(error);
  const cause = redact(text, secrets) === text ? { cause: error } : {};
  // APIConnectionError (and its timeout subclass) is an APIError without a status: no answer came.
  if (error instanceof APIConnectionError || options.network === true) {
    return new ProviderError(OPENAI, redact(`OpenAI ${operation} failed: network error: ${errorMessage(error)}`, secrets), { isRetryable: true, ...cause });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const message = redact(`OpenAI ${operation} failed: ${errorMessage(error)}`, secrets);
    if (status === 401 || status === 403) {
      return new ApiKeyRejectedError(OPENAI, redact(`OpenAI rejected the API key (${operation}: ${errorMessage(error)})`, secrets), { status, ...cause });
    }
    const headers: unknown = error.headers;
    const retryAfterMs = retryAfterMsOf(headers instanceof Headers ? headers : undefined);
    return new ProviderError(OPENAI, message, {
      status,
      isRetryable: RETRYABLE_STATUSES.has(status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...cause,
    });
  }
  return new ProviderError(OPENAI, redact(`OpenAI ${operation} failed: ${errorMessage(error)}`, secrets), { isRetryable: false, ...cause });
}

/** Runs `call` and translates whatever it throws with {@link toOpenAiError}. */
export async function translatingOpenAiErrors<T>(operation: string, secrets: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toOpenAiError(error, operation, secrets);
  }
}
