/**
 * @module What every Anthropic API call goes through before its handler, as the Gemini endpoints do
 * (endpoint-guard.ts), sharing their HTTP fault rules and outages: it is counted per endpoint, may fall in an
 * outage or get a scripted fault (answered in Anthropic's envelope: 429 `rate_limit_error`, 529
 * `overloaded_error`, with `retry-after`), must carry the emulator's key (`x-api-key` or `Authorization: Bearer`) and an `anthropic-version`
 * header. Errors the handler throws become Anthropic error answers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { ProviderError } from '../../shared/index.ts';
import type { EmulatorState } from '../emulator-state.ts';
import type { EndpointName } from '../faults.ts';
import { DROPPED_CONNECTION_PROVIDER, dropConnection, type HttpFaultInjector, type OutageSchedule } from '../http-faults.ts';
import { anthropicErrorResponse, anthropicResponseForThrown, newRequestId } from './errors.ts';

/** Runs `handler` for `endpoint` once the call is counted, not faulted, authenticated and versioned. */
export type AnthropicGuard = (c: Context, endpoint: EndpointName, handler: () => Promise<Response> | Response) => Promise<Response>;

/** The messages of scripted error statuses (docs.claude.com "Errors" wording where it gives one). */
const FAULT_MESSAGES: Readonly<Record<number, string>> = {
  429: 'Number of requests has exceeded your rate limit. Please try again later.',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Overloaded',
  504: 'Request timed out',
  529: 'Overloaded',
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * The key a call carries: `x-api-key` (the documented header), or `Authorization: Bearer <key>`, which is how
 * @anthropic-ai/sdk 1.10 sends its `apiKey` (client.ts `apiKeyAuth`).
 */
function requestKey(c: Context): string | undefined {
  const header = c.req.header('x-api-key');
  if (header !== undefined && header !== '') return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  return bearer?.[1];
}

/**
 * 401 `authentication_error` without a key or with a wrong one (Anthropic's wordings "x-api-key header is
 * required" and "invalid x-api-key"); the key is compared in constant time and never echoed.
 */
function checkKey(c: Context, expected: string | undefined): Response | undefined {
  if (expected === undefined) return undefined;
  const given = requestKey(c);
  if (given === undefined || given === '') return anthropicErrorResponse(401, 'x-api-key header is required');
  if (!timingSafeEqual(digest(given), digest(expected))) return anthropicErrorResponse(401, 'invalid x-api-key');
  return undefined;
}

function refused(c: Context, fault: number | 'drop', retryAfterSeconds: number | undefined, where: string): Response {
  if (fault === 'drop') return dropConnection(c, where);
  return anthropicErrorResponse(fault, `${FAULT_MESSAGES[fault] ?? 'Error'} (${where})`, { retryAfterSeconds });
}

/** Creates the guard over the emulator's shared fault injector and outage schedule. */
export function createAnthropicGuard(state: EmulatorState, injector: HttpFaultInjector, outages: OutageSchedule): AnthropicGuard {
  return async (c, endpoint, handler) => {
    state.endpointCalls[endpoint]++;
    const outage = outages.onCall();
    if (outage !== undefined) {
      state.counters.outageCallsRefused++;
      return refused(c, outage.outage.fault, outage.outage.retryAfterSeconds, `emulator ${outage.label} on ${endpoint}`);
    }
    const fault = injector.choose(endpoint);
    const where = `emulator fault http[${fault?.index}] on ${endpoint}`;
    if (fault !== undefined) {
      state.counters.httpFaultsInjected++;
      const kind = fault.rule.fault;
      if (kind !== 'dropAfter' && kind !== 'delay') return refused(c, kind, fault.rule.retryAfterSeconds, where);
    }
    const unauthenticated = checkKey(c, state.options.apiKey);
    if (unauthenticated !== undefined) return unauthenticated;
    // The SDK sends it on every call (client.ts); the API refuses a call without it.
    if ((c.req.header('anthropic-version') ?? '') === '') return anthropicErrorResponse(400, 'anthropic-version: header is required');
    let response: Response;
    try {
      response = await handler();
    } catch (error) {
      if (error instanceof ProviderError && error.provider === DROPPED_CONNECTION_PROVIDER) throw error;
      response = anthropicResponseForThrown(error);
    }
    if (fault?.rule.fault === 'dropAfter') {
      // The call took effect (a batch made, a cancel started); only its answer is lost.
      await response.body?.cancel();
      return dropConnection(c, where);
    }
    if (fault?.rule.fault === 'delay') await state.options.clock.sleep(fault.rule.delayMs ?? 0);
    if (!response.headers.has('request-id')) response.headers.set('request-id', newRequestId());
    return response;
  };
}
