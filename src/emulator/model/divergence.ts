/**
 * @module Interactive answers that disagree with the batch answer to the same request (issue #19: the audit
 * compares the two paths and must be tested against a known rate of disagreement). No Google source: a simulation
 * aid, applied only to `:generateContent`. Each configured field is drawn separately, seeded by the emulator's seed,
 * the request's content and the field, so the same request diverges the same way on every run.
 */
import type { Divergence } from '../faults.ts';
import { isJsonObject, type JsonObject } from '../proto-json.ts';
import { serialiseJson } from './answer-composing.ts';
import { parseRequest } from './request-parsing.ts';
import { rngFromLabel, sha256HexOf } from './seeding.ts';

type Change = Divergence['fields'][string];

/** The response with its JSON answers altered where the draw says so, and the fields that were altered. */
export function divergeAnswer(
  response: JsonObject,
  request: unknown,
  divergence: Divergence | undefined,
  seed: number,
): { response: JsonObject; divergedFields: string[] } {
  if (divergence === undefined || divergence.rate <= 0) return { response, divergedFields: [] };
  const requestHash = sha256HexOf(JSON.stringify(request));
  const chosen = Object.entries(divergence.fields).filter(([path]) => rngFromLabel(`${seed}\u0000divergence\u0000${requestHash}\u0000${path}`).next() < divergence.rate);
  if (chosen.length === 0) return { response, divergedFields: [] };
  const schema = parseRequest(request).generation.responseSchema;
  const diverged = new Set<string>();
  const candidates = Array.isArray(response['candidates']) ? response['candidates'] : [];
  const altered = candidates.map((candidate: unknown) => {
    if (!isJsonObject(candidate) || !isJsonObject(candidate['content']) || !Array.isArray(candidate['content']['parts'])) return candidate;
    const parts = candidate['content']['parts'].map((part: unknown) => {
      if (!isJsonObject(part) || part['thought'] === true || typeof part['text'] !== 'string') return part;
      const answer = parseJson(part['text']);
      if (answer === undefined) return part;
      for (const [path, change] of chosen) if (alter(answer, path, change, schema)) diverged.add(path);
      return { ...part, text: serialiseJson(answer) };
    });
    return { ...candidate, content: { ...candidate['content'], parts } };
  });
  return { response: { ...response, candidates: altered }, divergedFields: [...diverged] };
}

/** Alters the value at `path` in place; false when there is nothing there to alter. */
function alter(answer: unknown, path: string, change: Change, schema: JsonObject | undefined): boolean {
  const segments = path.slice(1).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  const name = segments.pop();
  let parent: unknown = answer;
  for (const segment of segments) parent = childOf(parent, segment);
  if (name === undefined || !isJsonObject(parent) || !(name in parent)) return false;
  const value = parent[name];
  const next = changed(value, change, enumAt(schema, [...segments, name]));
  if (next === undefined) return false;
  parent[name] = next;
  return true;
}

function changed(value: unknown, change: Change, enumValues: readonly unknown[] | undefined): unknown {
  switch (change) {
    case 'number':
      // An integer stays an integer, so the altered answer still passes an `integer` schema.
      if (typeof value !== 'number') return undefined;
      return value === 0 ? 1 : Number.isInteger(value) ? Math.round(value * 1.5) : value * 1.5;
    case 'drop-item':
      return Array.isArray(value) && value.length > 0 ? value.slice(0, -1) : undefined;
    case 'flip-enum': {
      if (typeof value === 'boolean') return !value;
      if (enumValues === undefined || enumValues.length < 2) return undefined;
      const index = enumValues.findIndex((option) => option === value);
      return enumValues[(index + 1) % enumValues.length];
    }
    case 'text':
      return typeof value === 'string' ? 'An interactive answer that says something else entirely.' : undefined;
  }
}

/** The `enum` of the schema node at a path of property names (array indexes go through `items`). */
function enumAt(schema: JsonObject | undefined, segments: readonly string[]): readonly unknown[] | undefined {
  let node: unknown = schema;
  for (const segment of segments) {
    if (!isJsonObject(node)) return undefined;
    node = /^\d+$/.test(segment) && node['items'] !== undefined ? node['items'] : isJsonObject(node['properties']) ? node['properties'][segment] : undefined;
  }
  return isJsonObject(node) && Array.isArray(node['enum']) ? node['enum'] : undefined;
}

function childOf(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(segment) ? value[Number(segment)] : undefined;
  return isJsonObject(value) ? value[segment] : undefined;
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
