/**
 * @module Context caches (`cachedContents`): the record, reading a create or update body, expiry on the emulator's
 * clock, and look-up. A cache whose expireTime has passed is gone: it is forgotten the first time anyone looks
 * (get, list, update, delete, or a batch line that names it) and answers 404 like one never made.
 * Sources: REST reference `cachedContents` (ai.google.dev/api/caching), the SDK's `caches` module (@google/genai
 * 3.3: create POSTs the CachedContent itself, update PATCHes `{ttl}` or `{expireTime}` with no updateMask).
 */
import { InputError, NotFoundError, randomId } from '../shared/index.ts';
import type { EmulatorState } from './emulator-state.ts';
import { countTokens, type CacheLookup } from './model/index.ts';
import { describeJson, field, isJsonObject, optionalString, type JsonObject } from './proto-json.ts';

/** One cached content. */
export interface CacheRecord {
  id: string;
  /** Creation order, for listing and page tokens. */
  seq: number;
  /** `models/<id>`, as the SDK sends it and the resource echoes it. */
  model: string;
  displayName: string | undefined;
  createTimeMs: number;
  updateTimeMs: number;
  expireTimeMs: number;
  /** `usageMetadata.totalTokenCount`: contents and systemInstruction by the simulated tokenizer. */
  totalTokens: number;
  /** The request fields the cache stands for: `contents`, `systemInstruction`, `tools`, `toolConfig` (as given). */
  content: JsonObject;
}

/** "If you don't set a TTL, the TTL defaults to 1 hour" [doc ai.google.dev caching]. */
export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;

/** The fields a create body may hold (camelCase names; snake_case is accepted too). */
const CREATE_FIELDS = new Set(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'ttl', 'expireTime', 'displayName', 'name']);
const CONTENT_FIELDS = ['contents', 'systemInstruction', 'tools', 'toolConfig'] as const;
/** "Maximum 128 Unicode characters" [REST reference CachedContent.displayName]. */
const MAX_DISPLAY_NAME = 128;

/**
 * The minimum cacheable size: 4,096 tokens for Pro models, 1,024 for the others (Flash, Flash-Lite) [doc
 * ai.google.dev caching, spec D.1]. A gateway doc says 2,048 for the 2.5 series [3p apiyi]; the real error confirms
 * 1,024 on gemini-2.5-flash (BerriAI/litellm#17696) and 4,096 on a Pro model (zyddnys/manga-image-translator#929).
 */
export function minCacheTokens(model: string): number {
  return /-pro\b/.test(model) ? 4096 : 1024;
}

/** `cachedContents/abc` or `abc` → `abc`; anything else is a 400. */
export function cacheIdOf(name: string, where: string): string {
  const id = name.startsWith('cachedContents/') ? name.slice('cachedContents/'.length) : name;
  if (!/^[a-z0-9-]{1,100}$/.test(id)) throw new InputError(where, `"${name}" is not a cached content name (expected cachedContents/<id>)`);
  return id;
}

/** A protobuf Duration as JSON (`"300s"`, `"1.5s"`) in milliseconds; anything else is a 400. */
export function durationMs(text: string, where: string): number {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match?.[1] === undefined) throw new InputError(where, `"${text}" is not a duration (expected seconds with an "s", e.g. "3600s")`);
  return Number(match[1]) * 1000 + Math.floor(Number(`0.${match[2] ?? '0'}`) * 1000);
}

/** The new expiry from `ttl` or `expireTime` (exactly one, the oneof `expiration`), or undefined when neither. */
function readExpiry(body: JsonObject, now: number): number | undefined {
  const ttl = optionalString(body, 'ttl', 'cachedContent');
  const expireTime = optionalString(body, 'expireTime', 'cachedContent');
  if (ttl !== undefined && expireTime !== undefined) throw new InputError('cachedContent', 'give either ttl or expireTime, not both');
  if (ttl !== undefined) {
    const ms = durationMs(ttl, 'cachedContent.ttl');
    if (ms <= 0) throw new InputError('cachedContent.ttl', 'must be positive');
    return now + ms;
  }
  if (expireTime === undefined) return undefined;
  const at = Date.parse(expireTime);
  if (!/^\d{4}-\d\d-\d\dT/.test(expireTime) || Number.isNaN(at)) {
    throw new InputError('cachedContent.expireTime', `"${expireTime}" is not an RFC 3339 timestamp`);
  }
  if (at <= now) throw new InputError('cachedContent.expireTime', `${expireTime} is not in the future`);
  return at;
}

/** A create body, checked; the caller enforces the minimum size (its error has Google's exact words). */
export interface CacheDraft {
  model: string;
  displayName: string | undefined;
  expireTimeMs: number;
  totalTokens: number;
  content: JsonObject;
}

/** Reads and checks a create body (the CachedContent resource). Throws InputError naming the field at fault. */
export function readCreateBody(body: unknown, now: number): CacheDraft {
  if (!isJsonObject(body)) throw new InputError('cachedContent', `must be a JSON object, got ${describeJson(body)}`);
  for (const name of Object.keys(body)) {
    const camel = name.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());
    if (!CREATE_FIELDS.has(camel)) throw new InputError('cachedContent', `unknown field "${name}"`);
  }
  const rawModel = optionalString(body, 'model', 'cachedContent');
  if (rawModel === undefined || rawModel === '') throw new InputError('cachedContent.model', 'is required');
  const model = rawModel.startsWith('models/') ? rawModel : `models/${rawModel}`;
  const displayName = optionalString(body, 'displayName', 'cachedContent');
  if (displayName !== undefined && [...displayName].length > MAX_DISPLAY_NAME) {
    throw new InputError('cachedContent.displayName', `must be at most ${MAX_DISPLAY_NAME} characters`);
  }
  const content: JsonObject = {};
  for (const name of CONTENT_FIELDS) {
    const value = field(body, name);
    if (value !== undefined && value !== null) content[name] = value;
  }
  if (content['tools'] !== undefined && !Array.isArray(content['tools'])) {
    throw new InputError('cachedContent.tools', `must be an array, got ${describeJson(content['tools'])}`);
  }
  return {
    model,
    displayName,
    expireTimeMs: readExpiry(body, now) ?? now + DEFAULT_CACHE_TTL_MS,
    totalTokens: cachedTokens(content),
    content,
  };
}

/**
 * The tokens of the cached contents and system instruction, by the simulated tokenizer (checking them as the
 * model would): the system instruction is counted as one more turn, which it is for the tokenizer.
 */
function cachedTokens(content: JsonObject): number {
  const contents = content['contents'] ?? [];
  if (!Array.isArray(contents)) throw new InputError('cachedContent.contents', `must be an array, got ${describeJson(contents)}`);
  const system = content['systemInstruction'];
  if (system !== undefined && !isJsonObject(system)) {
    throw new InputError('cachedContent.systemInstruction', `must be a Content object, got ${describeJson(system)}`);
  }
  const turns: unknown[] = [...(contents as unknown[]), ...(system === undefined ? [] : [{ ...system, role: 'user' }])];
  if (turns.length === 0) throw new InputError('cachedContent', 'needs contents or a systemInstruction to cache');
  try {
    return countTokens({ contents: turns });
  } catch (error) {
    if (error instanceof InputError) throw new InputError('cachedContent', error.message);
    throw error;
  }
}

/** Registers a checked draft as a new cache. */
export function storeCache(state: EmulatorState, draft: CacheDraft): CacheRecord {
  const now = state.options.clock.now();
  const record: CacheRecord = { id: randomId(12), seq: state.nextSeq(), createTimeMs: now, updateTimeMs: now, ...draft };
  state.caches.set(record.id, record);
  state.counters.cachesCreated++;
  return record;
}

/** Forgets every cache whose expiry has passed (counted as expired); true when one went. */
export function dropExpiredCaches(state: EmulatorState): boolean {
  const now = state.options.clock.now();
  let dropped = false;
  for (const record of state.caches.values()) {
    if (record.expireTimeMs > now) continue;
    state.caches.delete(record.id);
    state.counters.cachesExpired++;
    dropped = true;
  }
  return dropped;
}

/** The live cache `cachedContents/<id>`, or undefined when there is none or it expired. */
export function liveCache(state: EmulatorState, id: string): CacheRecord | undefined {
  if (dropExpiredCaches(state)) void state.saveSnapshot().catch(() => undefined);
  return state.caches.get(id);
}

/** The live cache `cachedContents/<id>`, or a 404. */
export function findCache(state: EmulatorState, id: string): CacheRecord {
  const record = liveCache(state, id);
  if (record === undefined) throw new NotFoundError(`CachedContent not found (or permission denied): cachedContents/${id}`);
  return record;
}

/**
 * Applies an update: only the expiry may change (`ttl` or `expireTime`; the REST `updateMask`, when given, must
 * name only those). Without a mask the body may hold nothing else but the resource's own name.
 */
export function updateCache(state: EmulatorState, record: CacheRecord, body: unknown, updateMask: string | undefined): void {
  if (!isJsonObject(body)) throw new InputError('cachedContent', `must be a JSON object, got ${describeJson(body)}`);
  const now = state.options.clock.now();
  if (updateMask !== undefined && updateMask !== '') {
    for (const path of updateMask.split(',').map((item) => item.trim())) {
      if (!['ttl', 'expireTime', 'expire_time'].includes(path)) {
        throw new InputError('updateMask', `"${path}" cannot be updated: only ttl or expireTime (expiration) can`);
      }
    }
  } else {
    for (const name of Object.keys(body)) {
      if (!['ttl', 'expireTime', 'expire_time', 'name'].includes(name)) {
        throw new InputError('cachedContent', `"${name}" cannot be updated: only ttl or expireTime (expiration) can`);
      }
    }
  }
  const expiry = readExpiry(body, now);
  if (expiry === undefined) throw new InputError('cachedContent', 'give ttl or expireTime: the expiration is the only field that can be updated');
  record.expireTimeMs = expiry;
  record.updateTimeMs = now;
}

/** How many caches are alive by the clock now (expired ones are not counted, whether or not forgotten yet). */
export function liveCacheCount(state: EmulatorState): number {
  const now = state.options.clock.now();
  let live = 0;
  for (const record of state.caches.values()) if (record.expireTimeMs > now) live++;
  return live;
}

/** The simulated model's look-up of live caches by name (`cachedContents/<id>`), for batch lines and generateContent. */
export function cacheLookup(state: EmulatorState): CacheLookup {
  return (name) => liveCache(state, name.slice('cachedContents/'.length));
}
