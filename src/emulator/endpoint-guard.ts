/**
 * @module What every API call goes through before its handler: it is counted per endpoint, may get a scripted
 * HTTP fault, and must carry the API key (unless the endpoint authenticates otherwise, as upload chunks do).
 */
import type { Context } from 'hono';
import { checkApiKey } from './api-key.ts';
import type { EmulatorState } from './emulator-state.ts';
import type { EndpointName } from './faults.ts';
import { faultResponse, type HttpFaultInjector } from './http-faults.ts';

/** Runs `handler` for `endpoint` once the call is counted, not faulted and authenticated. */
export type EndpointGuard = (
  c: Context,
  endpoint: EndpointName,
  handler: () => Promise<Response> | Response,
  options?: { authenticate?: boolean },
) => Promise<Response>;

/** Creates the guard for one emulator instance. */
export function createEndpointGuard(state: EmulatorState, injector: HttpFaultInjector): EndpointGuard {
  return async (c, endpoint, handler, options) => {
    state.endpointCalls[endpoint]++;
    const fault = injector.choose(endpoint);
    if (fault !== undefined) {
      state.counters.httpFaultsInjected++;
      return faultResponse(c, fault, endpoint);
    }
    if (options?.authenticate !== false) {
      const refused = checkApiKey(c, state.options.apiKey);
      if (refused !== undefined) return refused;
    }
    return handler();
  };
}
