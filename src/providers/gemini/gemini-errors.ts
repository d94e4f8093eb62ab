/**
 * @module Translates what the Gemini SDK and the network throw into truebatch's {@link ProviderError}, with the
 * HTTP status, whether the same call may succeed later, and never the API key.
 */
import { ApiError } from '@google/genai';
import { z } from 'zod';
import { ApiKeyRejectedError, ProviderError, TrueBatchError, errorMessage, redact, type RefusedLine } from '../../shared/index.ts';

/** The provider name every Gemini error carries. */
export const GEMINI_PROVIDER_NAME = 'gemini';

/** HTTP statuses worth retrying: timeouts, rate limits and server-side failures (the SDK's own default list). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** undici / node socket error codes that mean the connection failed or broke, not that the server said no. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Google's error envelope: `{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}`. */
const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.unknown()).optional(),
  }),
});

/** Google's `google.rpc.RetryInfo` detail: `{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"}`. */
const retryInfoSchema = z.object({
  '@type': z.string().endsWith('google.rpc.RetryInfo'),
  retryDelay: z.string().regex(/^\d+(\.\d+)?s$/),
});

/** Whether an HTTP status is worth retrying later. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Reads `error.message` and `error.status` out of an error body's text; falls back to the text itself. */
export function describeErrorBody(bodyText: string): { message: string; status: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { message: bodyText.trim() === '' ? '(empty body)' : truncate(bodyText.trim()), status: undefined };
  }
  const envelope = errorEnvelopeSchema.safeParse(parsed);
  if (!envelope.success) return { message: truncate(bodyText.trim()), status: undefined };
  return { message: envelope.data.error.message ?? '(no message)', status: envelope.data.error.status };
}

/**
 * How long Google asks the caller to wait, in ms: the `RetryInfo.retryDelay` of the error body's details (a proto
 * Duration such as `"30s"` or `"1.5s"`; AIP-193), else the `Retry-After` header (seconds or an HTTP date; RFC 9110
 * 10.2.3). Undefined when neither says.
 */
export function retryDelayHint(bodyText: string, retryAfterHeader?: string | null, now: number = Date.now()): number | undefined {
  const fromBody = retryInfoDelay(bodyText);
  if (fromBody !== undefined) return fromBody;
  if (retryAfterHeader === undefined || retryAfterHeader === null || retryAfterHeader.trim() === '') return undefined;
  const text = retryAfterHeader.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryInfoDelay(bodyText: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const envelope = errorEnvelopeSchema.safeParse(parsed);
  for (const detail of envelope.success ? (envelope.data.error.details ?? []) : []) {
    const info = retryInfoSchema.safeParse(detail);
    if (info.success) return Math.round(Number.parseFloat(info.data.retryDelay) * 1000);
  }
  return undefined;
}

/** What went wrong at the network level (no HTTP answer, or the answer broke off), if that is what `error` is. */
export function networkFailureCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = 'code' in current ? current.code : undefined;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code;
    if (current.name === 'AbortError' || current.name === 'TimeoutError') return current.name;
    if (current instanceof TypeError && (current.message === 'fetch failed' || current.message === 'terminated')) {
      const causeCode = networkFailureCode(current.cause);
      return causeCode ?? current.message;
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Whether an HTTP error answer rejects the API key rather than the call: 401; 400 with reason `API_KEY_INVALID`
 * (how Google answers a wrong key); 403 (a key without access, a disabled API), except the 403 Google gives for a
 * file that is gone or not the caller's ("You do not have permission to access the File …").
 */
export function isApiKeyRejection(status: number, bodyText: string): boolean {
  if (status === 401) return true;
  if (status === 400) return /API_KEY_INVALID|API key not valid/i.test(bodyText);
  return status === 403 && !/access the File/i.test(bodyText);
}

/**
 * The input lines a create was refused for: Google lists each as `Error on line N: invalid JSON, near column C:
 * no such field: 'thinking_config'` (inspect_ai#3257), one per line of the message.
 */
export function refusedLinesOf(message: string): RefusedLine[] {
  return [...message.matchAll(/Error on line (\d+): (?:invalid JSON, near column \d+: )?([^\n]+)/g)].map((match) => ({
    lineNumber: Number(match[1]),
    reason: (match[2] ?? '').trim(),
  }));
}

/** The ProviderError for an HTTP error answer (status plus body text), e.g. from the raw REST client. */
export function httpStatusError(
  operation: string,
  status: number,
  bodyText: string,
  secrets: readonly string[],
  cause: { cause?: unknown } = {},
  retryAfterHeader?: string | null,
): ProviderError {
  const { message, status: statusName } = describeErrorBody(bodyText);
  const label = statusName === undefined ? `HTTP ${status}` : `HTTP ${status} ${statusName}`;
  if (isApiKeyRejection(status, bodyText)) {
    const text = `Gemini rejected the API key (${operation}: ${label}: ${message})`;
    return new ApiKeyRejectedError(GEMINI_PROVIDER_NAME, redact(text, secrets), { status, ...cause });
  }
  const retryAfterMs = retryDelayHint(bodyText, retryAfterHeader);
  return new ProviderError(GEMINI_PROVIDER_NAME, redact(`Gemini ${operation} failed: ${label}: ${message}`, secrets), {
    status,
    isRetryable: isRetryableStatus(status),
    refusedLines: status === 400 ? refusedLinesOf(message) : [],
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...cause,
  });
}

/**
 * Translates anything the SDK or fetch threw during `operation` into a {@link ProviderError}. An SDK `ApiError`
 * keeps its status (its message is the JSON body, which is parsed); network failures are retryable; a truebatch
 * error passes through unchanged; anything else (e.g. the SDK refusing a name locally) is not retryable.
 * `secrets` are redacted from the message, and the original error is kept as `cause` only if it holds none of them.
 */
export function toProviderError(error: unknown, operation: string, secrets: readonly string[]): TrueBatchError {
  if (error instanceof TrueBatchError) return error;
  const cause = safeCause(error, secrets);
  if (error instanceof ApiError) return httpStatusError(operation, error.status, error.message, secrets, cause);
  const networkCode = networkFailureCode(error);
  if (networkCode !== undefined) {
    const message = `Gemini ${operation} failed: network error (${networkCode}): ${errorMessage(error)}`;
    return new ProviderError(GEMINI_PROVIDER_NAME, redact(message, secrets), { isRetryable: true, ...cause });
  }
  const message = `Gemini ${operation} failed: ${errorMessage(error)}`;
  return new ProviderError(GEMINI_PROVIDER_NAME, redact(message, secrets), { isRetryable: false, ...cause });
}

/** Runs `call` and translates whatever it throws with {@link toProviderError}. */
export async function translatingErrors<T>(
  operation: string,
  secrets: readonly string[],
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toProviderError(error, operation, secrets);
  }
}

function safeCause(error: unknown, secrets: readonly string[]): { cause?: unknown } {
  const text = error instanceof Error ? `${error.message} ${String(error.stack)}` : String(error);
  return redact(text, secrets) === text ? { cause: error } : {};
}

function truncate(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
