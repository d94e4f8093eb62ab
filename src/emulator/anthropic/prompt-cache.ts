/**
 * @module Prompt caching as Messages requests ask for it with `cache_control` breakpoints (docs.claude.com
 * prompt-caching; in batches too, spec §10b): the prefix is everything in cache order (tools, system, messages) up to
 * the last block marked `cache_control: {type:'ephemeral', ttl?:'5m'|'1h'}` (or all of it for a top-level
 * `cache_control`). The first request with a prefix writes it (`cache_creation_input_tokens`), later ones within its
 * TTL read it (`cache_read_input_tokens`) and refresh it; a prefix shorter than the model's minimum is not cached.
 * The emulator answers a batch's requests one after another, so every request after the first one hits: the best
 * case of the real service, where concurrent requests may miss.
 */
import { InputError, sha256Hex } from '../../shared/index.ts';
import { describeJson, isJsonObject, type JsonObject } from '../proto-json.ts';

/** A cache entry's lifetime. */
export type CacheTtl = '5m' | '1h';

const TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000 };

/** The cacheable prefix of one request, as a GenerateContentRequest the model can count. */
export interface CachePrefix {
  request: JsonObject;
  ttl: CacheTtl;
  /** The prefix's identity: model and parts. */
  key: string;
}

/** How a request used the cache. */
export interface CacheUse {
  written: number;
  read: number;
  ttl: CacheTtl;
}

function ttlOf(cacheControl: unknown, location: string): CacheTtl | undefined {
  if (cacheControl === undefined || cacheControl === null) return undefined;
  if (!isJsonObject(cacheControl) || cacheControl['type'] !== 'ephemeral') {
    throw new InputError(`${location}.type`, `Input should be 'ephemeral', got ${describeJson(isJsonObject(cacheControl) ? cacheControl['type'] : cacheControl)}`);
  }
  const ttl = cacheControl['ttl'] ?? '5m';
  if (ttl !== '5m' && ttl !== '1h') throw new InputError(`${location}.ttl`, "Input should be '5m' or '1h'");
  return ttl;
}

/** Collects a request's parts in cache order and where its last breakpoint is. */
export class CacheTrack {
  readonly #parts: JsonObject[] = [];
  #breakpoint: { length: number; ttl: CacheTtl } | undefined;

  /** Adds a part; `block` is the Anthropic block it came from, whose `cache_control` marks a breakpoint after it. */
  add(part: JsonObject, block: JsonObject | undefined, location: string): void {
    this.#parts.push(part);
    const ttl = ttlOf(block?.['cache_control'], `${location}.cache_control`);
    if (ttl !== undefined) this.#breakpoint = { length: this.#parts.length, ttl };
  }

  /** A top-level `cache_control`: the breakpoint is after everything added so far. */
  markAll(cacheControl: unknown): void {
    const ttl = ttlOf(cacheControl, 'cache_control');
    if (ttl !== undefined) this.#breakpoint = { length: this.#parts.length, ttl };
  }

  /** The cacheable prefix, if a breakpoint was marked. */
  prefix(model: string): CachePrefix | undefined {
    if (this.#breakpoint === undefined) return undefined;
    const parts = this.#parts.slice(0, this.#breakpoint.length);
    return { request: { contents: [{ role: 'user', parts }] }, ttl: this.#breakpoint.ttl, key: sha256Hex(JSON.stringify([model, parts])) };
  }
}

/**
 * The shortest cacheable prompt: 4096 tokens for Claude Opus 4.5 and Haiku 4.5, 2048 for the older Haikus, 1024
 * for the others (docs.claude.com prompt-caching "Cache limitations").
 */
export function minimumCacheableTokens(model: string): number {
  if (model.startsWith('claude-opus-4-5') || model.startsWith('claude-haiku-4-5')) return 4096;
  if (model.includes('haiku')) return 2048;
  return 1024;
}

/** Writes or reads `prefix` of `tokens` in `cache` (key → expiry on the clock) at `now`; undefined when too short. */
export function usePromptCache(cache: Map<string, number>, prefix: CachePrefix, tokens: number, model: string, now: number): CacheUse | undefined {
  if (tokens < minimumCacheableTokens(model)) return undefined;
  const alive = (cache.get(prefix.key) ?? Number.NEGATIVE_INFINITY) > now;
  // A hit refreshes the entry's lifetime ("refreshed for no additional cost each time the cached content is used").
  cache.set(prefix.key, now + TTL_MS[prefix.ttl]);
  return alive ? { written: 0, read: tokens, ttl: prefix.ttl } : { written: tokens, read: 0, ttl: prefix.ttl };
}
