/**
 * @module A stage's shared context in the run: its parts at the head of every request, how many tokens they are,
 * whether a job holds them in an explicit cache (and why, for `plan`), and a stored request bound to such a cache.
 *
 * The cache's name is bound only when a job's input lines are written, like an uploaded file's URI: the ledger's
 * request (and its fingerprint) keeps the context inline, so a new cache for a resubmission (the old one expired or
 * was deleted) is not a change of work and never makes a request look new.
 */
import { generationOptionsOf, type StageConfig, type StageContext } from '../config/index.ts';
import { decideCaching, searchFeeUsd, type CacheDecision, type ModelPrice } from '../cost/index.ts';
import { ConfigError } from '../shared/index.ts';
import type { RequestCodec } from '../providers/request-codec.ts';
import { withCachedContext, type RequestPart } from '../requests/index.ts';

/** When neither the config nor the stage's job history says how long a job waits: a day (batch jobs' target). */
export const DEFAULT_EXPECTED_HOURS = 24;

/** The context's parts as request parts, in order (document kinds join here when the context takes them). */
export function contextPartsOf(context: StageContext): RequestPart[] {
  return context.pieces.map((part) => ({ kind: 'text', text: part.text }));
}

/**
 * Tokens an explicit cache of the stage's shared context would hold: its system text, context parts and tools, by
 * the provider's own estimate. 0 for a stage without a context.
 */
export function sharedContextTokens(codec: RequestCodec, stage: StageConfig): number {
  if (stage.context === undefined) return 0;
  return codec.estimateTokens({
    ...(stage.prompt.system === undefined ? {} : { system: stage.prompt.system }),
    content: contextPartsOf(stage.context),
    generation: {},
    ...(stage.tools === undefined ? {} : { tools: stage.tools }),
  }).input;
}

/** What `plan` says about a stage's shared context: its size and the cache decision for the requests to submit. */
export interface ContextPreview {
  sharedTokens: number;
  /** Requests that share it in the next run. */
  requests: number;
  expectedHours: number;
  decision: CacheDecision;
}

/**
 * The cache decision for `requests` requests of `stage` (undefined for a stage without a context). The expected job
 * time is the config's `context.expectedHours`, else `historyHours` (the stage's median job so far), else a day.
 */
export function contextPreviewOf(
  codec: RequestCodec,
  stage: StageConfig,
  requests: number,
  price: ModelPrice,
  historyHours?: number,
): ContextPreview | undefined {
  if (stage.context === undefined) return undefined;
  const sharedTokens = sharedContextTokens(codec, stage);
  const expectedHours = stage.context.expectedHours ?? historyHours ?? DEFAULT_EXPECTED_HOURS;
  const decision = decideCaching({ mode: stage.context.cache, sharedTokens, requests, expectedHours, price });
  return { sharedTokens, requests, expectedHours, decision };
}

/**
 * A stored wire request as it goes into a job whose stage context is held in the cache `cacheName`: the context
 * parts (the first `sharedParts`), the system text and the tools leave it, and it names the cache.
 */
export function bindCachedContext(codec: RequestCodec, requestJson: string, cacheName: string, sharedParts: number): string {
  return codec.encode(withCachedContext(codec.decode(requestJson), cacheName, sharedParts));
}

/**
 * Throws ConfigError when the provider would refuse every request of `stage` (its tools with its response schema on
 * its model), so `plan` and `run` refuse the stage with the reason before anything is sent.
 */
export function refuseUnsupportedStage(codec: RequestCodec, stage: StageConfig): void {
  const problem = codec.requestProblem?.(stage.model, {
    content: [],
    generation: generationOptionsOf(stage.generationConfig),
    ...(stage.tools === undefined ? {} : { tools: stage.tools }),
  });
  if (problem !== undefined) throw new ConfigError(`stage ${stage.name}: ${problem}`);
}

/** What `plan` says about a stage's web-search fee: requests that may search, and the fee if each of them does. */
export interface SearchFeePreview {
  requests: number;
  usd: number;
}

/**
 * The search fee of `requests` requests of a stage that gives the model web search (undefined otherwise), priced as
 * if every request searched (the provider bills per request that used it). Throws ConfigError for a model without a
 * search price: a fee is never assumed to be $0.
 */
export function searchFeePreviewOf(stage: StageConfig, requests: number, price: ModelPrice): SearchFeePreview | undefined {
  if (!(stage.tools ?? []).some((tool) => tool.kind === 'web-search')) return undefined;
  if (price.searchPer1kRequests === undefined) {
    throw new ConfigError(`stage ${stage.name}: no search fee for ${stage.model}: add prices.${stage.model}.searchPer1kRequests (USD per 1,000 requests)`);
  }
  return { requests, usd: searchFeeUsd(requests, price) };
}
