/**
 * @module Anthropic's error envelope `{type:'error', error:{type, message}, request_id}` with a `request-id` header
 * (docs.claude.com "Errors"; @anthropic-ai/sdk shared.ts `ErrorResponse`), the error type of each HTTP status, and
 * how errors thrown by a handler map onto it.
 */
import { InputError, NotFoundError, errorMessage, randomId } from '../../shared/index.ts';

/** The `error.type` values the emulator answers (SDK shared.ts `ErrorType`, plus 413's `request_too_large`). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** The error type Anthropic sends with each HTTP status (docs.claude.com "Errors": 400 … 529). */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return 'api_error';
  }
}

/** An error answered with an exact HTTP status, type and message. */
export class AnthropicApiError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  constructor(status: number, message: string, type: AnthropicErrorType = errorTypeForStatus(status)) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/** A new request id, shaped like Anthropic's `req_011CS…`. */
export function newRequestId(): string {
  return `req_011${randomId(21)}`;
}

/** The error body: `{type:'error', error:{type, message}, request_id}`. */
export function anthropicErrorBody(type: AnthropicErrorType, message: string, requestId: string | null): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** An error response with its `request-id` header, and `retry-after` (whole seconds, rounded up) when given. */
export function anthropicErrorResponse(status: number, message: string, options: { type?: AnthropicErrorType; retryAfterSeconds?: number | undefined } = {}): Response {
  const requestId = newRequestId();
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(options.retryAfterSeconds));
  const body = anthropicErrorBody(options.type ?? errorTypeForStatus(status), message, requestId);
  return new Response(JSON.stringify(body), { status, headers });
}

/** Maps an error thrown by a handler: exact errors as they are, bad input 400, unknown ids 404, else 500. */
export function anthropicResponseForThrown(error: unknown): Response {
  if (error instanceof AnthropicApiError) return anthropicErrorResponse(error.status, error.message, { type: error.type });
  if (error instanceof InputError) return anthropicErrorResponse(400, error.message);
  if (error instanceof NotFoundError) return anthropicErrorResponse(404, error.message);
  return anthropicErrorResponse(500, `Internal error in the emulator: ${errorMessage(error)}`);
}
