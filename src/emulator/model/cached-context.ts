/**
 * @module A request that names a context cache (`cachedContent: "cachedContents/…"`) is answered as if the cache's
 * contents preceded its own, under the cache's system instruction and tools; `usageMetadata.promptTokenCount`
 * includes the cached tokens and `cachedContentTokenCount` reports them, as real Gemini does [doc ai.google.dev
 * caching; issue python-genai#795]. Pure: the caller looks caches up (alive, by the emulator's clock).
 */
import { camelCaseName, isJsonObject, type JsonObject } from './object-fields.ts';

/** What a live cache holds, as a batch line sees it. */
export interface CachedPrefix {
  /** `models/<id>`. */
  readonly model: string;
  readonly totalTokens: number;
  /** `contents`, `systemInstruction`, `tools`, `toolConfig` as given when the cache was created. */
  readonly content: JsonObject;
}

/** Finds a live cache by its name (`cachedContents/<id>`), or undefined when it does not exist or expired. */
export type CacheLookup = (name: string) => CachedPrefix | undefined;

/** A line error status. */
export interface LineError {
  code: number;
  message: string;
}

/** The request to answer and how many of its prompt tokens came from a cache. */
export interface ResolvedRequest {
  request: JsonObject;
  cachedTokens: number;
}

/** Fields the cache owns: a request naming a cache may not set them. */
const CACHE_OWNED = ['systemInstruction', 'tools', 'toolConfig'] as const;

function bareModel(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/**
 * `request` with its cache's contents put first (or unchanged when it names none), or the line's error:
 * - a request that also sets systemInstruction, tools or toolConfig is a 400 [the real words: issues
 *   python-genai#348, 567-labs/instructor#2580 (2026); older servers said "CachedContent can not be used with
 *   GenerateContent request setting system_instruction, tools or tool_config." (vercel/ai#3333, 2024)];
 * - a cache that does not exist or expired is a 403 "CachedContent not found (or permission denied)" (the wording
 *   reported for the Developer API; the exact status inside a batch line is a guess);
 * - a cache made for another model is a 400 (message recalled from the real API, not sourced).
 */
export function resolveCachedContent(request: JsonObject, model: string, lookup: CacheLookup | undefined): ResolvedRequest | { error: LineError } {
  const byName = new Map<string, [string, unknown]>();
  for (const [name, value] of Object.entries(request)) byName.set(camelCaseName(name), [name, value]);
  const named = byName.get('cachedContent');
  if (named === undefined || named[1] === undefined || named[1] === null) return { request, cachedTokens: 0 };
  const name = named[1];
  if (typeof name !== 'string' || name === '') {
    return { error: { code: 400, message: 'request.cachedContent: must be a cached content name (cachedContents/<id>)' } };
  }
  if (CACHE_OWNED.some((field) => byName.get(field)?.[1] !== undefined)) {
    return { error: { code: 400, message: 'Tool config, tools and system instruction should not be set in the request when using cached content.' } };
  }
  const cache = lookup?.(name.startsWith('cachedContents/') ? name : `cachedContents/${name}`);
  if (cache === undefined) return { error: { code: 403, message: `CachedContent not found (or permission denied): ${name}` } };
  if (bareModel(cache.model) !== bareModel(model)) {
    return {
      error: {
        code: 400,
        message: `Model used by GenerateContent request (models/${bareModel(model)}) and CachedContent (${cache.model}) has to be the same.`,
      },
    };
  }
  const merged: JsonObject = {};
  for (const [rawName, value] of Object.entries(request)) if (camelCaseName(rawName) !== 'cachedContent') merged[rawName] = value;
  const ownContents = byName.get('contents');
  const cachedContents = Array.isArray(cache.content['contents']) ? (cache.content['contents'] as unknown[]) : [];
  const requestContents = Array.isArray(ownContents?.[1]) ? (ownContents[1] as unknown[]) : [];
  merged[ownContents?.[0] ?? 'contents'] = [...cachedContents, ...requestContents];
  for (const field of CACHE_OWNED) if (cache.content[field] !== undefined) merged[field] = cache.content[field];
  return { request: merged, cachedTokens: cache.totalTokens };
}

/**
 * `response` with `usageMetadata.cachedContentTokenCount` set after `totalTokenCount`, where Gemini puts it
 * (promptTokenCount already includes the cached part). Unchanged when nothing was cached.
 */
export function withCachedTokens(response: Record<string, unknown>, cachedTokens: number): Record<string, unknown> {
  const usage = response['usageMetadata'];
  if (cachedTokens <= 0 || !isJsonObject(usage)) return response;
  const ordered: JsonObject = {};
  for (const [name, value] of Object.entries(usage)) {
    ordered[name] = value;
    if (name === 'totalTokenCount') ordered['cachedContentTokenCount'] = cachedTokens;
  }
  ordered['cachedContentTokenCount'] = cachedTokens;
  return { ...response, usageMetadata: ordered };
}
