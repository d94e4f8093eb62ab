/**
 * @module Generates a JSON value that conforms to a compiled schema, with strings and numbers taken from the
 * prompt: required properties always, optional ones most of the time, arrays of one to three items, enums from
 * their list (preferring values the prompt mentions), booleans seeded.
 */
import type { Rng } from '../../shared/index.ts';
import type { AnswerProfile } from '../model-catalogue.ts';
import type { SchemaNode, ValueType } from './schema-compiling.ts';
import type { TextCorpus } from './text-mining.ts';
import { anchorFor, numberCandidates, rankEnumValues } from './number-values.ts';
import { hintFor, type ValueHint } from './property-hints.ts';
import { stringCandidates, stringList } from './string-values.ts';

/** Below this depth optional properties may appear; deeper, only required ones (keeps recursive schemas finite). */
const OPTIONAL_DEPTH = 6;
/** Share of optional properties a full model includes. */
const OPTIONAL_PROPERTY_RATE = 0.85;
const MAX_DEPTH = 24;

/** How a model departs from the full answer (see model-catalogue.ts): its profile, and the draws for leaving fields out. */
export interface AnswerStyle {
  readonly profile: AnswerProfile;
  /** Separate from the answer's own draws, so a lite answer is the full answer thinned: a subset of its fields. */
  readonly thinning: Rng;
}

/** A value for `node`, drawn from `corpus` and `rng`; as a full model answers unless `style` says otherwise. */
export function generateValue(node: SchemaNode, corpus: TextCorpus, rng: Rng, style?: AnswerStyle): unknown {
  return generate(node, { corpus, rng, style }, hintFor('', '', node.description, 0, undefined), 0);
}

interface Generation {
  readonly corpus: TextCorpus;
  readonly rng: Rng;
  readonly style: AnswerStyle | undefined;
}

function generate(node: SchemaNode, context: Generation, hint: ValueHint, depth: number): unknown {
  if (node.constValue !== undefined) return node.constValue.value;
  if (node.enumValues !== undefined) {
    const ranked = rankEnumValues(context.corpus, node.enumValues, context.rng);
    return ranked[hint.ordinal % ranked.length];
  }
  if (node.choices.length > 0) {
    const branches = node.choices.filter((branch) => !(branch.types.length === 1 && branch.types[0] === 'null'));
    return generate(context.rng.pick(branches.length > 0 ? branches : node.choices), context, hint, depth);
  }
  switch (chooseType(node)) {
    case 'null':
      return null;
    case 'boolean':
      return context.rng.next() < 0.5;
    case 'integer':
      return generateNumber(node, context, hint, true);
    case 'number':
      return generateNumber(node, context, hint, false);
    case 'string':
      return generateString(node, context, hint);
    case 'array':
      return generateArray(node, context, hint, depth);
    case 'object':
      return generateObject(node, context, hint, depth);
  }
}

function chooseType(node: SchemaNode): ValueType {
  const concrete = node.types.find((type) => type !== 'null');
  if (concrete !== undefined) return concrete;
  if (node.types.length > 0) return 'null';
  if (node.properties.length > 0 || node.required.size > 0) return 'object';
  if (node.items !== undefined || node.prefixItems.length > 0) return 'array';
  if (node.minimum !== undefined || node.maximum !== undefined) return 'number';
  return 'string';
}

function generateObject(
  node: SchemaNode,
  context: Generation,
  hint: ValueHint,
  depth: number,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return result;
  for (const [name, child] of node.properties) {
    const required = node.required.has(name);
    if (!required && (depth >= OPTIONAL_DEPTH || context.rng.next() >= OPTIONAL_PROPERTY_RATE)) continue;
    const childHint = hintFor(name, hint.name, child.description, hint.ordinal, hint.anchor);
    const value = generate(child, context, childHint, depth + 1);
    // Generated before being left out: the draws that follow stay those of the full answer.
    if (!required && leavesOut(context.style)) continue;
    result[name] = value;
  }
  for (const name of node.required) {
    if (name in result) continue;
    const childHint = hintFor(name, hint.name, '', hint.ordinal, hint.anchor);
    const candidates = stringCandidates(context.corpus, childHint, undefined, context.rng);
    result[name] = candidates[0] ?? name;
  }
  return result;
}

function leavesOut(style: AnswerStyle | undefined): boolean {
  return style !== undefined && style.profile.optionalDropRate > 0 && style.thinning.next() < style.profile.optionalDropRate;
}

function generateArray(node: SchemaNode, context: Generation, hint: ValueHint, depth: number): unknown[] {
  const itemNode = node.items;
  const listed = itemNode !== undefined && isPlainString(itemNode) ? stringList(context.corpus, hint) : undefined;
  const wanted = listed !== undefined ? Math.min(listed.length, 3) : 1 + context.rng.int(3);
  const atMost = depth > MAX_DEPTH ? node.minItems : (node.maxItems ?? Number.POSITIVE_INFINITY);
  const count = Math.min(Math.max(wanted, node.minItems), atMost);
  const result: unknown[] = [];
  const seen = new Set<string>();
  for (let ordinal = 0; result.length < count && ordinal < count * 4; ordinal += 1) {
    const prefix = node.prefixItems[ordinal];
    const child = prefix ?? itemNode;
    const listedValue = listed?.[ordinal];
    let value: unknown;
    if (listedValue !== undefined) value = fitLength(listedValue, itemNode ?? node, context.corpus);
    else if (child !== undefined) value = generate(child, context, itemHint(child, hint, ordinal, context), depth + 1);
    else value = stringCandidates(context.corpus, { ...hint, ordinal }, undefined, context.rng)[ordinal] ?? 'item';
    if (node.uniqueItems) {
      const identity = JSON.stringify(value);
      if (seen.has(identity) && prefix === undefined) continue;
      seen.add(identity);
    }
    result.push(value);
  }
  return result;
}

/** An array item's hint; an object item with numeric properties is anchored to one number of the text. */
function itemHint(item: SchemaNode, hint: ValueHint, ordinal: number, context: Generation): ValueHint {
  const numeric = item.properties.some(([, { types }]) => types.includes('number') || types.includes('integer'));
  const anchor = numeric ? anchorFor(context.corpus, ordinal) : undefined;
  return hintFor(hint.name, hint.parentName, item.description, ordinal, anchor);
}

function isPlainString(node: SchemaNode): boolean {
  return (
    chooseType(node) === 'string' &&
    node.enumValues === undefined &&
    node.constValue === undefined &&
    node.choices.length === 0 &&
    node.format === undefined
  );
}

function generateString(node: SchemaNode, context: Generation, hint: ValueHint): string {
  if (node.format === 'uuid') return seededUuid(context.rng);
  const candidates = stringCandidates(context.corpus, hint, node.format, context.rng);
  let value = candidates[hint.ordinal % Math.max(1, candidates.length)] ?? 'unknown';
  if (node.format === 'date') value = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '2024-01-01';
  if (node.format === 'date-time') {
    value = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : '2024-01-01T00:00:00Z';
  }
  if (node.format === 'time') value = '00:00:00Z';
  return fitLength(value, node, context.corpus);
}

/** Cuts or pads a string to the node's `maxLength` / `minLength` (counted in code points, as JSON Schema does). */
function fitLength(value: string, node: SchemaNode, corpus: TextCorpus): string {
  // Code points never outnumber UTF-16 units: with no minimum and a maximum the length cannot pass, it fits as is.
  if (node.minLength <= 0 && (node.maxLength === undefined || value.length <= node.maxLength)) return value;
  let characters = Array.from(value);
  if (characters.length < node.minLength) {
    const filler = Array.from(` ${corpus.facts.map((sentence) => sentence.text).join(' ')}`);
    while (characters.length < node.minLength) characters = characters.concat(filler.length > 1 ? filler : [' ', '.']);
  }
  if (node.maxLength !== undefined && characters.length > node.maxLength) {
    characters = characters.slice(0, node.maxLength);
  }
  return characters.join('');
}

function generateNumber(node: SchemaNode, context: Generation, hint: ValueHint, integer: boolean): number {
  const fits = (value: number): boolean =>
    (node.minimum === undefined || value >= node.minimum) &&
    (node.maximum === undefined || value <= node.maximum) &&
    (node.exclusiveMinimum === undefined || value > node.exclusiveMinimum) &&
    (node.exclusiveMaximum === undefined || value < node.exclusiveMaximum) &&
    (node.multipleOf === undefined || Number.isInteger(value / node.multipleOf));
  const candidates = numberCandidates(context.corpus, hint, integer).filter(fits);
  const found = candidates[hint.ordinal % Math.max(1, candidates.length)];
  if (found !== undefined && context.style?.profile.roundsNumbers === true && fits(Math.round(found))) return Math.round(found);
  if (found !== undefined) return found;
  return clampNumber(integer ? 1 + context.rng.int(100) : Math.round(context.rng.next() * 10_000) / 100, node, integer);
}

function clampNumber(value: number, node: SchemaNode, integer: boolean): number {
  const step = integer ? 1 : 0.01;
  let low = node.minimum ?? Number.NEGATIVE_INFINITY;
  if (node.exclusiveMinimum !== undefined) low = Math.max(low, node.exclusiveMinimum + step);
  let high = node.maximum ?? Number.POSITIVE_INFINITY;
  if (node.exclusiveMaximum !== undefined) high = Math.min(high, node.exclusiveMaximum - step);
  let result = Math.min(Math.max(value, low), high);
  if (integer) result = Math.ceil(result);
  if (node.multipleOf !== undefined) {
    const multiple = node.multipleOf;
    result = Math.ceil(result / multiple) * multiple;
    if (result > high) result -= multiple;
  }
  return result;
}

function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + rng.int(4)).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
