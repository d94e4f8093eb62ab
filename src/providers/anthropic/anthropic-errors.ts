/**
 * @module Translates what the Anthropic SDK throws into truebatch's {@link ProviderError}: the HTTP status, the
 * error type and message Anthropic sent, whether the same call may succeed later, and never the API key.
 */
import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { ApiKeyRejectedError, ProviderError, TrueBatchError, errorMessage, redact } from '../../shared/index.ts';
import { ANTHROPIC_PROVIDER_NAME } from './anthropic-request.ts';

/** Timeouts, rate limits, server failures and 529 overloaded (Anthropic's "Errors" docs; the SDK retries the same). */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `Retry-After` in ms (seconds, or an HTTP date), when the answer carries one. */
function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const text = headers?.get('retry-after')?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The ProviderError for whatever `operation` threw. A truebatch error passes through unchanged. */
export function toAnthropicError(error: unknown, operation: string, secrets: readonly string[]): TrueBatchError {
  if (error instanceof TrueBatchError) return error;
  const text = error instanceof Error ? `${error.message} ${String(error.stack)}` : String(error);
  const cause = redact(text, secrets) === text ? { cause: error } : {};
  if (error instanceof APIConnectionError) {
    const message = `Anthropic ${operation} failed: network error: ${errorMessage(error)}`;
    return new ProviderError(ANTHROPIC_PROVIDER_NAME, redact(message, secrets), { isRetryable: true, ...cause });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const label = `HTTP ${status}${error.type === null ? '' : ` ${error.type}`}`;
    const message = redact(`Anthropic ${operation} failed: ${label}: ${error.apiMessage ?? errorMessage(error)}`, secrets);
    if (status === 401) return new ApiKeyRejectedError(ANTHROPIC_PROVIDER_NAME, message, { status, ...cause });
    const wait = retryAfterMs(error.headers as Headers | undefined);
    return new ProviderError(ANTHROPIC_PROVIDER_NAME, message, {
      status,
      isRetryable: isRetryableStatus(status),
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      ...cause,
    });
  }
  const message = `Anthropic ${operation} failed: ${errorMessage(error)}`;
  return new ProviderError(ANTHROPIC_PROVIDER_NAME, redact(message, secrets), { isRetryable: false, ...cause });
}

/** Runs `call` and translates whatever it throws with {@link toAnthropicError}. */
export async function translatingErrors<T>(operation: string, secrets: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAnthropicError(error, operation, secrets);
  }
}
