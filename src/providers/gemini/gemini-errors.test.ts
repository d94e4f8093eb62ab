import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ApiKeyRejectedError, InputError, ProviderError } from '../../shared/index.ts';
import { describeErrorBody, httpStatusError, networkFailureCode, refusedLinesOf, retryDelayHint, toProviderError } from './gemini-errors.ts';

const KEY = 'AIzaSy-test-key-0123456789';

function apiError(status: number, body: unknown): ApiError {
  // The SDK builds ApiError with the whole JSON body, stringified, as the message.
  return new ApiError({ status, message: JSON.stringify(body) });
}

function networkError(message: string, cause: Error & { code?: string }): TypeError {
  return new TypeError(message, { cause });
}

function expectProviderError(error: unknown): ProviderError {
  expect(error).toBeInstanceOf(ProviderError);
  if (!(error instanceof ProviderError)) throw error;
  return error;
}

describe('toProviderError', () => {
  it("translates the SDK's ApiError: status, Google status name and message from the JSON body", () => {
    const error = expectProviderError(
      toProviderError(
        apiError(404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } }),
        'getJob(batches/x)',
        [KEY],
      ),
    );
    expect(error.status).toBe(404);
    expect(error.isRetryable).toBe(false);
    expect(error.provider).toBe('gemini');
    expect(error.message).toBe('Gemini getJob(batches/x) failed: HTTP 404 NOT_FOUND: Requested entity was not found.');
  });

  it('marks 408, 429, 500, 502, 503 and 504 retryable, and 400, 401, 403 not', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(expectProviderError(toProviderError(apiError(status, { error: { code: status } }), 'op', [])).isRetryable).toBe(true);
    }
    for (const status of [400, 401, 403, 404, 409]) {
      expect(expectProviderError(toProviderError(apiError(status, { error: { code: status } }), 'op', [])).isRetryable).toBe(false);
    }
  });

  it('tells a rejected API key (400 API_KEY_INVALID, 401, 403) from a refused call, and never echoes the key', () => {
    const wrongKey = {
      error: {
        code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', metadata: { key: KEY } }],
      },
    };
    const rejections = [
      toProviderError(apiError(400, wrongKey), 'uploadFile(a.jsonl)', [KEY]),
      toProviderError(apiError(401, { error: { code: 401, message: 'unregistered callers', status: 'UNAUTHENTICATED' } }), 'op', [KEY]),
      httpStatusError('getJob(batches/x)', 403, JSON.stringify({ error: { code: 403, message: 'API key not valid.', status: 'PERMISSION_DENIED' } }), [KEY]),
    ];
    for (const error of rejections) {
      expect(error).toBeInstanceOf(ApiKeyRejectedError);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^Gemini rejected the API key \(/);
      expect(error.message).not.toContain(KEY);
    }
    expect(rejections[0]?.message).toBe(
      'Gemini rejected the API key (uploadFile(a.jsonl): HTTP 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.)',
    );
    // A bad request, and the 403 Google gives for a file that is gone, are about the call, not the key.
    const refused = [
      toProviderError(apiError(400, { error: { code: 400, message: 'Invalid JSON payload', status: 'INVALID_ARGUMENT' } }), 'op', []),
      toProviderError(apiError(403, { error: { code: 403, message: 'You do not have permission to access the File x or it may not exist.', status: 'PERMISSION_DENIED' } }), 'op', []),
    ];
    for (const error of refused) {
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).not.toBeInstanceOf(ApiKeyRejectedError);
      expect(error.exitCode).toBe(1);
    }
  });

  it('keeps a message that is not Google JSON, shortened', () => {
    const error = expectProviderError(toProviderError(new ApiError({ status: 502, message: '<html>Bad gateway</html>' }), 'op', []));
    expect(error.message).toBe('Gemini op failed: HTTP 502: <html>Bad gateway</html>');
    expect(error.isRetryable).toBe(true);
  });

  it('never lets the API key into the message, nor keeps a cause that contains it', () => {
    const leaky = apiError(400, { error: { code: 400, message: `API key not valid: ${KEY}`, status: 'INVALID_ARGUMENT' } });
    const error = expectProviderError(toProviderError(leaky, 'createJob(d)', [KEY]));
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain('[redacted]');
    expect(error.cause).toBeUndefined();
    const clean = expectProviderError(toProviderError(apiError(400, { error: { message: 'bad' } }), 'op', [KEY]));
    expect(clean.cause).toBeInstanceOf(ApiError);
  });

  it('treats undici network failures, dropped bodies and aborts as retryable with no status', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const cases: [unknown, string][] = [
      [networkError('fetch failed', reset), 'ECONNRESET'],
      [networkError('fetch failed', refused), 'ECONNREFUSED'],
      [networkError('fetch failed', socket), 'UND_ERR_SOCKET'],
      [networkError('terminated', socket), 'UND_ERR_SOCKET'],
      [new TypeError('fetch failed'), 'fetch failed'],
      [new DOMException('This operation was aborted', 'AbortError'), 'AbortError'],
    ];
    for (const [thrown, code] of cases) {
      expect(networkFailureCode(thrown)).toBe(code);
      const error = expectProviderError(toProviderError(thrown, 'getJob(batches/x)', [KEY]));
      expect(error.isRetryable).toBe(true);
      expect(error.status).toBeUndefined();
      expect(error.message).toContain(`network error (${code})`);
    }
  });

  it('makes other SDK failures non-retryable and passes truebatch errors through', () => {
    const local = expectProviderError(toProviderError(new Error('Invalid batch job name: 1.'), 'cancelJob(1)', []));
    expect(local.isRetryable).toBe(false);
    expect(local.message).toBe('Gemini cancelJob(1) failed: Invalid batch job name: 1.');
    const own = new InputError('a.jsonl', 'is empty');
    expect(toProviderError(own, 'op', [])).toBe(own);
    expect(networkFailureCode(new TypeError('x is not a function'))).toBeUndefined();
  });
});

describe('a create refused for bad input lines', () => {
  it("reads every line Google lists (inspect_ai#3257) into refusedLines, only on a 400", () => {
    const message = "Error on line 1: invalid JSON, near column 1032: no such field: 'thinking_config'\nError on line 2: invalid JSON, near column 9: no such field: 'config'";
    const error = expectProviderError(toProviderError(apiError(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } }), 'createJob(x)', []));
    expect(error.isRetryable).toBe(false);
    expect(error.refusedLines).toEqual([
      { lineNumber: 1, reason: "no such field: 'thinking_config'" },
      { lineNumber: 2, reason: "no such field: 'config'" },
    ]);
    expect(refusedLinesOf('Request payload size exceeds the limit: 20971520 bytes.')).toEqual([]);
    expect(httpStatusError('createJob(x)', 503, JSON.stringify({ error: { message } }), []).refusedLines).toEqual([]);
  });
});

describe('httpStatusError and describeErrorBody', () => {
  it('reads the REST error envelope, and survives empty or odd bodies', () => {
    expect(describeErrorBody('{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}')).toEqual({
      message: 'overloaded',
      status: 'UNAVAILABLE',
    });
    expect(describeErrorBody('')).toEqual({ message: '(empty body)', status: undefined });
    expect(describeErrorBody('{"unexpected":true}')).toEqual({ message: '{"unexpected":true}', status: undefined });
    const error = httpStatusError('getJob(batches/x)', 429, '{"error":{"message":"quota","status":"RESOURCE_EXHAUSTED"}}', []);
    expect(error).toMatchObject({ status: 429, isRetryable: true });
    expect(error.message).toBe('Gemini getJob(batches/x) failed: HTTP 429 RESOURCE_EXHAUSTED: quota');
  });
});

describe('retryDelayHint', () => {
  const retryInfo = (delay: string) =>
    JSON.stringify({
      error: {
        code: 429,
        message: 'quota',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay },
        ],
      },
    });

  it("reads RetryInfo.retryDelay from the error body's details (whole and fractional seconds)", () => {
    expect(retryDelayHint(retryInfo('30s'))).toBe(30_000);
    expect(retryDelayHint(retryInfo('1.5s'))).toBe(1500);
  });

  it('falls back to Retry-After, in seconds or as an HTTP date', () => {
    const body = '{"error":{"code":503,"status":"UNAVAILABLE"}}';
    expect(retryDelayHint(body, '12')).toBe(12_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayHint(body, 'Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryDelayHint(body, null)).toBeUndefined();
    expect(retryDelayHint('not json', 'soon')).toBeUndefined();
  });

  it('RetryInfo in the body wins over the header, and the ProviderError carries it', () => {
    expect(retryDelayHint(retryInfo('2s'), '60')).toBe(2000);
    const error = httpStatusError('getJob(batches/x)', 429, retryInfo('7s'), []);
    expect(error).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 7000 });
  });
});
