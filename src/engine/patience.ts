/**
 * @module Patience instead of death: a run rides out a provider that fails, and stops (exit 8) only when the
 * provider has not answered any call for `resilience.patienceMs`, or, with nothing at the provider to wait for, has
 * refused every create for that long. Nothing is lost either way: the ledger holds every step, and the next run
 * resumes.
 */
import { ProviderUnreachableError } from '../shared/index.ts';
import type { EngineContext } from './context.ts';

/** Throws {@link ProviderUnreachableError} when no call to the provider has succeeded for the run's patience. */
export function ensurePatience(context: EngineContext): void {
  const { health, config } = context;
  if (health.silentForMs() < config.resilience.patienceMs) return;
  throw providerUnreachable(context, health.lastAnswerAt, 'no call to it has succeeded');
}

/**
 * Throws {@link ProviderUnreachableError} when jobs have waited to be submitted since `stalledSince` for the run's
 * patience, with nothing live at the provider (whose end could free a quota).
 */
export function ensureSubmitPatience(context: EngineContext, stalledSince: number): void {
  if (context.clock.now() - stalledSince < context.config.resilience.patienceMs) return;
  throw providerUnreachable(context, stalledSince, 'it has refused every job truebatch tried to submit');
}

function providerUnreachable(context: EngineContext, since: number, what: string): ProviderUnreachableError {
  const { health, config } = context;
  health.markUnhealthy(what, since);
  const minutes = Math.round(config.resilience.patienceMs / 6000) / 10;
  const message =
    `the provider (${[...new Set(context.providers.map((provider) => provider.name))].join(', ') || context.provider.name}) has been unreachable since ${new Date(since).toISOString()}: ${what} ` +
    `for ${minutes} min (resilience.patienceMs). Nothing is lost: submitted jobs keep running at the provider and ` +
    'every result collected so far is recorded. Run `truebatch run` again when the provider is back ' +
    '(`truebatch status` shows since when it is unhealthy).';
  context.ledger.addEvent('provider-unreachable', message);
  return new ProviderUnreachableError(message, since);
}
