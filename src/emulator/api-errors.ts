/** @module Google's HTTP error envelope `{error:{code,message,status}}` and how thrown errors map onto it. */
import { InputError, JobStateError, NotFoundError, errorMessage } from '../shared/index.ts';

/** The canonical status string Google sends for each HTTP code the emulator uses. */
const STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The body of a Google API error. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: readonly Record<string, unknown>[] };
}

/** Builds `{error:{code,message,status,details?}}`; `status` defaults to the canonical one for `code`. */
export function googleErrorBody(code: number, message: string, status?: string, details?: readonly Record<string, unknown>[]): GoogleErrorBody {
  return { error: { code, message, status: status ?? STATUS_BY_HTTP[code] ?? 'UNKNOWN', ...(details === undefined ? {} : { details }) } };
}

/**
 * An error answered word for word as the real service words it (create-time refusals), where InputError's
 * `location: message` form would not match: HTTP `code`, `message`, optional `details`.
 */
export class GoogleApiError extends Error {
  readonly code: number;
  readonly details: readonly Record<string, unknown>[] | undefined;
  constructor(code: number, message: string, details?: readonly Record<string, unknown>[]) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** An error response with `Content-Type: application/json`, as the SDK needs to show it verbatim. */
export function errorResponse(code: number, message: string, status?: string, details?: readonly Record<string, unknown>[]): Response {
  return new Response(JSON.stringify(googleErrorBody(code, message, status, details)), {
    status: code,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
}

/** Maps an error thrown by a handler to Google's envelope: bad input 400, unknown name 404, bad state 400. */
export function responseForThrown(error: unknown): Response {
  if (error instanceof GoogleApiError) return errorResponse(error.code, error.message, undefined, error.details);
  if (error instanceof InputError) return errorResponse(400, error.message);
  if (error instanceof NotFoundError) return errorResponse(404, error.message);
  if (error instanceof JobStateError) return errorResponse(400, error.message, 'FAILED_PRECONDITION');
  return errorResponse(500, `Internal error in the emulator: ${errorMessage(error)}`);
}
