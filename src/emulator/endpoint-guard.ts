/**
 * @module What every API call goes through before its handler: it is counted per endpoint, may fall in an outage
 * or get a scripted HTTP fault, and must carry the API key (unless the endpoint authenticates otherwise, as upload
 * chunks do). `dropAfter` and `delay` faults act once the handler has answered.
 */
import type { Context } from 'hono';
import { checkApiKey } from './api-key.ts';
import type { EmulatorState } from './emulator-state.ts';
import type { EndpointName } from './faults.ts';
import { dropConnection, refusedResponse, type HttpFaultInjector, type OutageSchedule } from './http-faults.ts';

/** Runs `handler` for `endpoint` once the call is counted, not faulted and authenticated. */
export type EndpointGuard = (
  c: Context,
  endpoint: EndpointName,
  handler: () => Promise<Response> | Response,
  options?: { authenticate?: boolean },
) => Promise<Response>;

/** Creates the guard for one emulator instance. */
export function createEndpointGuard(state: EmulatorState, injector: HttpFaultInjector, outages: OutageSchedule): EndpointGuard {
  return async (c, endpoint, handler, options) => {
    state.endpointCalls[endpoint]++;
    const outage = outages.onCall();
    if (outage !== undefined) {
      state.counters.outageCallsRefused++;
      return refusedResponse(c, outage.outage.fault, outage.outage.retryAfterSeconds, `emulator ${outage.label} on ${endpoint}`);
    }
    const fault = injector.choose(endpoint);
    const where = `emulator fault http[${fault?.index}] on ${endpoint}`;
    if (fault !== undefined) {
      state.counters.httpFaultsInjected++;
      const kind = fault.rule.fault;
      if (kind !== 'dropAfter' && kind !== 'delay') return refusedResponse(c, kind, fault.rule.retryAfterSeconds, where);
    }
    if (options?.authenticate !== false) {
      const refused = checkApiKey(c, state.options.apiKey);
      if (refused !== undefined) return refused;
    }
    const response = await handler();
    if (fault?.rule.fault === 'dropAfter') {
      // The call took effect (a job made, a file stored); only its answer is lost.
      await response.body?.cancel();
      return dropConnection(c, where);
    }
    if (fault?.rule.fault === 'delay') await state.options.clock.sleep(fault.rule.delayMs ?? 0);
    return response;
  };
}
