/**
 * @module HTTP faults: per endpoint, a seeded share of calls answered with a Google error envelope, a dropped
 * connection (before or after the call is handled) or a late answer; and outage windows in which every call fails.
 * Rule `i`'s n-th matching call fires or not by `createRng(`${seed}:http:${i}:${n}`)`, so the same calls fail on
 * every run.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { ProviderError, createRng, type Clock } from '../shared/index.ts';
import { googleErrorBody } from './api-errors.ts';
import type { EndpointName, HttpFault, Outage } from './faults.ts';

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

/** Creates an injector over `rules`; each rule counts its own calls and injected faults (for `nth` and `limit`). */
export function createHttpFaultInjector(rules: readonly HttpFault[], seed: number): HttpFaultInjector {
  const calls = rules.map(() => 0);
  const injected = rules.map(() => 0);
  return {
    choose(endpoint) {
      for (const [index, rule] of rules.entries()) {
        if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
        const call = (calls[index] ?? 0) + 1;
        calls[index] = call;
        if (rule.nth !== undefined && call !== rule.nth) continue;
        if (rule.limit !== undefined && (injected[index] ?? 0) >= rule.limit) continue;
        if (rule.rate < 1 && createRng(`${seed}:http:${index}:${call}`).next() >= rule.rate) continue;
        injected[index] = (injected[index] ?? 0) + 1;
        return { rule, index };
      }
      return undefined;
    },
  };
}

/** An outage in force: how every call fails until `endsAt` (emulator clock). */
export interface ActiveOutage {
  outage: Pick<Outage, 'fault' | 'retryAfterSeconds'>;
  label: string;
  endsAt: number;
}

/** Knows which outage, if any, is in force at each API call. */
export interface OutageSchedule {
  /** Counts one API call and returns the outage it falls in. */
  onCall(): ActiveOutage | undefined;
  /** Opens an outage now (the admin endpoint). */
  open(outage: Pick<Outage, 'fault' | 'retryAfterSeconds' | 'durationMs'>): ActiveOutage;
  /** Ends every outage now. */
  end(): void;
}

/**
 * Creates the schedule of `outages`; `startAfterMs` counts from now on `clock` (the emulator's start), and
 * `startAtCall` from the first API call.
 */
export function createOutageSchedule(outages: readonly Outage[], clock: Clock): OutageSchedule {
  const startedAt = clock.now();
  let calls = 0;
  const opened: (number | undefined)[] = outages.map((outage) => (outage.startAtCall === undefined ? startedAt + (outage.startAfterMs ?? 0) : undefined));
  let manual: ActiveOutage | undefined;
  return {
    onCall() {
      calls++;
      const now = clock.now();
      if (manual !== undefined && now < manual.endsAt) return manual;
      for (const [index, outage] of outages.entries()) {
        if (outage.startAtCall === calls) opened[index] = now;
        const from = opened[index];
        if (from !== undefined && now >= from && now < from + outage.durationMs) {
          return { outage, label: `outages[${index}]`, endsAt: from + outage.durationMs };
        }
      }
      return undefined;
    },
    open(outage) {
      manual = { outage, label: 'outage opened by POST /emulator/outage', endsAt: clock.now() + outage.durationMs };
      return manual;
    },
    end() {
      manual = undefined;
      // Outages that have begun are over; those still to come stay scheduled.
      const now = clock.now();
      for (const [index, from] of opened.entries()) if (from !== undefined && from <= now) opened[index] = Number.NEGATIVE_INFINITY;
    },
  };
}

/** Google's `google.protobuf.Duration` in JSON: `3s`, `0.250s`. */
export function durationJson(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(3)}s`;
}

/**
 * A Google error answer. With `retryAfterSeconds`, it carries Google's `google.rpc.RetryInfo` detail with the exact
 * `retryDelay` and "Please retry in …" in the message, as real Gemini 429s do (python-genai#1875; AIP-193 "Error
 * details"; google/rpc/error_details.proto), plus a `Retry-After` header in whole seconds rounded up (RFC 9110
 * §10.2.3), which proxies send but Gemini itself was not seen to (dcdpr/jp#1061).
 */
export function retryableErrorResponse(code: number, message: string, retryAfterSeconds: number | undefined): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (retryAfterSeconds === undefined) return new Response(JSON.stringify(googleErrorBody(code, message)), { status: code, headers });
  headers['retry-after'] = String(Math.ceil(retryAfterSeconds));
  const body = googleErrorBody(code, `${message} Please retry in ${retryAfterSeconds}s.`);
  const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: durationJson(retryAfterSeconds) }];
  return new Response(JSON.stringify({ error: { ...body.error, details } }), { status: code, headers });
}

/**
 * Destroys the call's socket without an answer. In-process (no socket) it throws, so the caller's fetch rejects as
 * it would on a network error.
 */
export function dropConnection(c: Context, where: string): Response {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  if (env?.incoming === undefined) {
    throw new ProviderError(DROPPED_CONNECTION_PROVIDER, `connection dropped (${where})`, { isRetryable: true });
  }
  // A request whose body was left half read has already let go of its socket; the response still holds it.
  (env.incoming.socket ?? env.outgoing?.socket)?.destroy();
  // Tells @hono/node-server that the response is handled (there is none to send).
  return new Response(null, { headers: { 'x-hono-already-sent': '1' } });
}

/** Answers with an error status or a dropped connection, as a fault or outage decided (before any handling). */
export function refusedResponse(c: Context, fault: Outage['fault'], retryAfterSeconds: number | undefined, where: string): Response {
  if (fault === 'drop') return dropConnection(c, where);
  return retryableErrorResponse(fault, `${MESSAGES[fault] ?? 'Error.'} (${where})`, retryAfterSeconds);
}
