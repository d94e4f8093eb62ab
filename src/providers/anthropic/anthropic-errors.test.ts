import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ApiKeyRejectedError, ProviderError } from '../../shared/index.ts';
import { toAnthropicError } from './anthropic-errors.ts';

const SECRET = 'sk-ant-secret-123';

function apiError(status: number, type: string, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers(headers));
}

describe('Anthropic errors', () => {
  it('keeps the status, the error type and the message; 429, 5xx and 529 may succeed later, a 400 will not', () => {
    const overloaded = toAnthropicError(apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after': '7' }), 'getJob(x)', [SECRET]);
    expect(overloaded).toBeInstanceOf(ProviderError);
    expect(overloaded).toMatchObject({ status: 529, isRetryable: true, retryAfterMs: 7000 });
    expect(overloaded.message).toBe('Anthropic getJob(x) failed: HTTP 529 overloaded_error: Overloaded');
    expect(toAnthropicError(apiError(429, 'rate_limit_error', 'slow down'), 'op', [])).toMatchObject({ isRetryable: true });
    expect(toAnthropicError(apiError(400, 'invalid_request_error', 'requests.0.custom_id: bad'), 'op', [])).toMatchObject({ status: 400, isRetryable: false });
  });

  it('makes a 401 a rejected key, and never lets the key into a message', () => {
    const rejected = toAnthropicError(apiError(401, 'authentication_error', `invalid x-api-key ${SECRET}`), 'createJob(j)', [SECRET]);
    expect(rejected).toBeInstanceOf(ApiKeyRejectedError);
    expect(rejected.message).not.toContain(SECRET);
  });

  it('makes a network failure retryable', () => {
    const error = toAnthropicError(new APIConnectionError({ message: 'Connection error.' }), 'getJob(x)', []);
    expect(error).toMatchObject({ isRetryable: true });
    expect(error.message).toContain('network error');
  });
});
