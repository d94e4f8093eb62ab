/** @module API key check: `x-goog-api-key` header or `?key=`, compared in constant time, never echoed. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { errorResponse } from './api-errors.ts';

const MISSING_KEY_MESSAGE =
  "Method doesn't allow unregistered callers (callers without established identity). " +
  'Please use API Key or other form of API consumer identity to call this API.';
const WRONG_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The key a request carries, from the header or the query string. */
export function requestApiKey(c: Context): string | undefined {
  const header = c.req.header('x-goog-api-key');
  if (header !== undefined && header !== '') return header;
  const query = c.req.query('key');
  return query === undefined || query === '' ? undefined : query;
}

/** 401 when the emulator has a key and the request has none, 403 when it is wrong, else undefined. */
export function checkApiKey(c: Context, expected: string | undefined): Response | undefined {
  if (expected === undefined) return undefined;
  const given = requestApiKey(c);
  if (given === undefined) return errorResponse(401, MISSING_KEY_MESSAGE);
  if (!timingSafeEqual(digest(given), digest(expected))) return errorResponse(403, WRONG_KEY_MESSAGE);
  return undefined;
}
