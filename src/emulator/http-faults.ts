/**
 * @module HTTP faults: per endpoint, a seeded share of calls answered with a Google error envelope or a dropped
 * connection. Rule `i`'s n-th matching call fires or not by `createRng(`${seed}:http:${i}:${n}`)`, so the same
 * calls fail on every run.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ProviderError, createRng } from '../shared/index.ts';
import { errorResponse } from './api-errors.ts';
import type { EndpointName, HttpFault } from './faults.ts';

/** The provider name of the error thrown for a dropped connection when there is no socket (`app.request`). */
export const DROPPED_CONNECTION_PROVIDER = 'emulator-dropped-connection';

const MESSAGES: Readonly<Record<number, string>> = {
  429: 'Resource has been exhausted (e.g. check quota).',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  502: 'The service is temporarily unavailable: bad gateway.',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

/** A fault chosen for one call. */
export interface ChosenHttpFault {
  rule: HttpFault;
  index: number;
}

/** Decides, call by call, whether an HTTP fault fires. */
export interface HttpFaultInjector {
  choose(endpoint: EndpointName): ChosenHttpFault | undefined;
}

/** Creates an injector over `rules`; each rule counts its own calls and injected faults (for `limit`). */
export function createHttpFaultInjector(rules: readonly HttpFault[], seed: number): HttpFaultInjector {
  const calls = rules.map(() => 0);
  const injected = rules.map(() => 0);
  return {
    choose(endpoint) {
      for (const [index, rule] of rules.entries()) {
        if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
        const call = (calls[index] ?? 0) + 1;
        calls[index] = call;
        if (rule.limit !== undefined && (injected[index] ?? 0) >= rule.limit) continue;
        if (rule.rate < 1 && createRng(`${seed}:http:${index}:${call}`).next() >= rule.rate) continue;
        injected[index] = (injected[index] ?? 0) + 1;
        return { rule, index };
      }
      return undefined;
    },
  };
}

/**
 * Answers with the chosen fault. A `drop` destroys the socket without a response; in-process (no socket) it
 * throws, so the caller's fetch rejects as it would on a network error.
 */
export function faultResponse(c: Context, chosen: ChosenHttpFault, endpoint: EndpointName): Response {
  const where = `emulator fault http[${chosen.index}] on ${endpoint}`;
  if (chosen.rule.fault === 'drop') {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined) {
      throw new ProviderError(DROPPED_CONNECTION_PROVIDER, `connection dropped (${where})`, { isRetryable: true });
    }
    incoming.socket.destroy();
    // Tells @hono/node-server that the response is handled (there is none to send).
    return new Response(null, { headers: { 'x-hono-already-sent': '1' } });
  }
  const code = chosen.rule.fault;
  return errorResponse(code, `${MESSAGES[code] ?? 'Error.'} (${where})`);
}
