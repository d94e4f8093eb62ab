/**
 * @module Canonical JSON and request fingerprints: the same work always hashes the same, whatever the key order.
 */
import { InputError, sha256Hex } from '../shared/index.ts';
import type { NeutralRequest } from './neutral-request.ts';

/** JSON.stringify's rules for values that have no JSON form inside an object (the property is dropped). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * Canonical JSON of frozen objects, which cannot change: a stage's config (its response schema above all) is frozen
 * once loaded and is part of every request, so it is serialised once instead of once per document.
 */
const frozenCache = new WeakMap<object, string>();

function serialise(value: unknown, ancestors: Set<object>, path: string): string {
  if (typeof value === 'bigint') {
    throw new InputError(`canonical JSON at ${path}`, 'a bigint has no JSON form');
  }
  if (value === null || typeof value !== 'object') {
    // Primitives follow JSON.stringify exactly (NaN and Infinity become null).
    return JSON.stringify(value) ?? 'null';
  }
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    return serialise((withToJson.toJSON as () => unknown).call(value), ancestors, path);
  }
  const cached = frozenCache.get(value);
  if (cached !== undefined) return cached;
  if (ancestors.has(value)) throw new InputError(`canonical JSON at ${path}`, 'the value refers to itself');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown, index) =>
      isOmitted(item) ? 'null' : serialise(item, ancestors, `${path}[${index}]`),
    );
    out = `[${items.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (!isOmitted(member)) members.push(`${JSON.stringify(key)}:${serialise(member, ancestors, `${path}.${key}`)}`);
    }
    out = `{${members.join(',')}}`;
  }
  ancestors.delete(value);
  // A frozen object's own members are fixed, but a member could be an unfrozen object: cache only whole frozen trees.
  if (Object.isFrozen(value) && isDeeplyFrozen(value)) frozenCache.set(value, out);
  return out;
}

function isDeeplyFrozen(value: object): boolean {
  return Object.values(value).every((member: unknown) => typeof member !== 'object' || member === null || frozenCache.has(member));
}

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace. Otherwise it follows
 * `JSON.stringify` (undefined members dropped, `toJSON` honoured). Throws {@link InputError} for bigints and cycles.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set(), '$');
}

/** The model id without the `models/` resource prefix, so both spellings name the same model. */
export function bareModelName(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/** What a fingerprint is taken over: the neutral request, and who is asked (provider and model). */
export interface FingerprintInput {
  /** The provider's name (e.g. `gemini`, whether Google's or the emulator): other providers do other work. */
  provider: string;
  model: string;
  request: NeutralRequest;
}

/**
 * The fingerprint of one unit of work: sha256 hex of the canonical JSON of `{ model, provider, request }` with the
 * model's `models/` prefix removed. Identical work gives the identical fingerprint, whatever the key order or the
 * provider's wire encoding; any change to the request, the provider or the model changes it.
 */
export function fingerprintRequest(input: FingerprintInput): string {
  // The canonical JSON of `{ model, provider, request }`: its three keys are already in sorted order.
  const head = `{"model":${JSON.stringify(bareModelName(input.model))},"provider":${JSON.stringify(input.provider)}`;
  return sha256Hex(`${head},"request":${canonicalRequestJson(input.request)}}`);
}

/**
 * `canonicalJson(request)`, made faster for the common shape (text parts, frozen options): planning fingerprints every
 * document, and the generic walk costs more than the hash. Anything else goes through {@link canonicalJson}.
 */
function canonicalRequestJson(request: NeutralRequest): string {
  const { cachedContext, content, generation, system, tools, ...rest } = request;
  if (Object.keys(rest).length > 0) return canonicalJson(request);
  const parts = content.map((part) =>
    part.kind === 'text' && Object.keys(part).length === 2 ? `{"kind":"text","text":${JSON.stringify(part.text)}}` : canonicalJson(part),
  );
  let json = '{';
  if (cachedContext !== undefined) json += `"cachedContext":${canonicalJson(cachedContext)},`;
  json += `"content":[${parts.join(',')}],"generation":${canonicalJson(generation)}`;
  if (system !== undefined) json += `,"system":${JSON.stringify(system)}`;
  if (tools !== undefined) json += `,"tools":${canonicalJson(tools)}`;
  return `${json}}`;
}
