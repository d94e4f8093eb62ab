/**
 * @module OpenAI's wire conventions: the error body `{error:{message,type,param,code}}` (openai-node
 * `core/error.ts` reads `body.error`), `x-request-id` on every answer (openai-node `client.ts` reads it into
 * `_request_id`), Bearer auth, unix-second timestamps and id shapes `file-…`, `batch_…`, `batch_req_…`, `req_…`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { sha256Hex } from '../../shared/index.ts';

/** An error the handlers throw; the routes answer it in OpenAI's shape. */
export class OpenAiError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly code: string | null;
  readonly type: string;
  constructor(status: number, message: string, param: string | null = null, code: string | null = null) {
    super(message);
    this.status = status;
    this.param = param;
    this.code = code;
    this.type = status < 500 ? 'invalid_request_error' : 'server_error';
  }
}

/** A fresh `req_<32 hex>` request id. */
export function newRequestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/** A JSON answer with an `x-request-id`. */
export function openAiJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': newRequestId() },
  });
}

/** The error body OpenAI sends. */
export function openAiErrorBody(message: string, type: string, param: string | null, code: string | null): { error: Record<string, unknown> } {
  return { error: { message, type, param, code } };
}

/** The answer for a thrown OpenAiError (anything else is a 500 server_error). */
export function openAiErrorResponse(error: unknown): Response {
  if (error instanceof OpenAiError) return openAiJson(openAiErrorBody(error.message, error.type, error.param, error.code), error.status);
  const message = `The emulator failed: ${error instanceof Error ? error.message : String(error)}`;
  return openAiJson(openAiErrorBody(message, 'server_error', null, null), 500);
}

const MISSING_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  '(i.e. Authorization: Bearer YOUR_KEY).';
// The real message echoes a masked key; the emulator never echoes any part of a secret.
const WRONG_KEY = 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** 401 in OpenAI's shape when the emulator has a key and the `Authorization: Bearer` one is missing or wrong. */
export function checkBearer(c: Context, expected: string | undefined): Response | undefined {
  if (expected === undefined) return undefined;
  const header = c.req.header('authorization') ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (given === undefined || given === '') return openAiJson(openAiErrorBody(MISSING_KEY, 'invalid_request_error', null, null), 401);
  if (!timingSafeEqual(digest(given), digest(expected))) return openAiJson(openAiErrorBody(WRONG_KEY, 'invalid_request_error', null, 'invalid_api_key'), 401);
  return undefined;
}

/** Unix seconds. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** A deterministic id `<prefix><hex>` from the seed and a label (same emulator seed, same ids). */
export function seededId(prefix: string, seed: number, label: string, length = 24): string {
  return `${prefix}${sha256Hex(`${seed}:openai:${label}`).slice(0, length)}`;
}

/** Usage in the Responses API's shape (`input_tokens`…), as a `response` object and a batch's `usage` report it. */
export function responsesUsage(input: number, cached: number, output: number, reasoning: number): Record<string, unknown> {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}
