/**
 * @module Field-by-field agreement between two answers to the same request (#19): an audit compares the batch
 * answer with the interactive one. Each leaf field gets a kind (from the stage's JSON schema when it has one, else
 * from the values) and an agreement score in 0..1 with a verdict; `summariseAgreement` turns many documents into
 * per-field rates with Wilson 95% intervals. Pure: no I/O, no clock.
 */
import { canonicalJson } from '../requests/index.ts';
import { appendPointer, isGeminiSchema, toJsonSchema } from '../validation/index.ts';
import { isRecord } from '../shared/index.ts';

/**
 * How a field is compared: `exact` (enums, ids, booleans, integer ids), `number` (within a relative tolerance),
 * `set` (lists, by Jaccard overlap of normalised items, counted as a multiset) or `text` (prose, by token Jaccard of normalised text).
 */
export type FieldKind = 'exact' | 'number' | 'set' | 'text';

/** One field of one document. */
export interface FieldAgreement {
  /** JSON pointer of the field, e.g. `/findings` or `/meta/year`; `""` when the answer is not an object. */
  path: string;
  kind: FieldKind;
  /** 1 = the same, 0 = nothing in common. Exact and number fields are 0 or 1. */
  agreement: number;
  /** Whether the score reaches the kind's threshold: the unit counted by `summariseAgreement`. */
  agrees: boolean;
}

export interface AnswerAgreement {
  fields: FieldAgreement[];
}

export interface CompareOptions {
  /** Numbers agree when |a - b| <= tolerance * max(|a|, |b|). Default 0.01 (1%). */
  numberTolerance?: number;
  /** Lists agree when their Jaccard overlap reaches this. Default 1 (the same items). */
  setThreshold?: number;
  /** Prose agrees when its token Jaccard similarity reaches this. Default 0.8. */
  textThreshold?: number;
}

/** A rate with its Wilson 95% score interval. */
export interface AgreementRate {
  agree: number;
  n: number;
  /** agree / n; 0 when n is 0 (then the interval is the whole 0..1). */
  rate: number;
  interval: { low: number; high: number };
}

export interface FieldSummary extends AgreementRate {
  path: string;
  kind: FieldKind;
}

export interface AgreementSummary {
  /** One entry per field path met in any document, in order of first appearance. */
  fields: FieldSummary[];
  /** Documents whose every field agrees (documents are the independent unit, fields of one document are not). */
  overall: AgreementRate;
}

const DEFAULTS: Required<CompareOptions> = { numberTolerance: 0.01, setThreshold: 1, textThreshold: 0.8 };

/** Field names that hold identifiers or codes, compared exactly even when they are numbers or strings. */
const ID_NAME = /(^|[_-])(id|ids|key|code|year|doi|isbn|issn|pmid|type|kind|status|category|label)$|[a-z](Id|Key|Code|Type)$|^(id|ID)$/;

type Schema = Record<string, unknown>;

/** Compares two answers field by field. `schema` is the stage's output schema (JSON Schema or Gemini's dialect). */
export function compareAnswers(schema: Schema | undefined, a: unknown, b: unknown, options: CompareOptions = {}): AnswerAgreement {
  const settings = { ...DEFAULTS, ...options };
  const root = schema === undefined ? undefined : isGeminiSchema(schema) ? toJsonSchema(schema) : schema;
  const fields: FieldAgreement[] = [];
  walk(root, a, b, '', '', settings, fields);
  return { fields };
}

function walk(schema: Schema | undefined, a: unknown, b: unknown, path: string, name: string, settings: Required<CompareOptions>, out: FieldAgreement[]): void {
  const shape = effectiveSchema(schema);
  if (isRecord(a) || isRecord(b)) {
    if (isRecord(a) && isRecord(b)) {
      const properties = isRecord(shape?.['properties']) ? shape['properties'] : {};
      const keys = unique([...Object.keys(properties), ...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) {
        if (a[key] === undefined && b[key] === undefined) continue;
        const child = properties[key];
        walk(isRecord(child) ? child : undefined, a[key], b[key], appendPointer(path, key), key, settings, out);
      }
      return;
    }
    // An object on one side only: whatever the other side holds, they disagree.
    out.push({ path, kind: 'exact', agreement: 0, agrees: false });
    return;
  }
  const kind = kindOf(shape, name, a, b);
  const agreement = score(kind, a, b, settings);
  const threshold = kind === 'set' ? settings.setThreshold : kind === 'text' ? settings.textThreshold : 1;
  out.push({ path, kind, agreement, agrees: agreement >= threshold });
}

/** The field's kind: schema first (enum, type), the field's name second, the values last. */
function kindOf(schema: Schema | undefined, name: string, a: unknown, b: unknown): FieldKind {
  if (schema !== undefined) {
    if (Array.isArray(schema['enum']) || schema['const'] !== undefined) return 'exact';
    const type = schemaType(schema);
    if (type === 'boolean') return 'exact';
    if (type === 'array') return 'set';
    if (type === 'integer') return ID_NAME.test(name) ? 'exact' : 'number';
    if (type === 'number') return 'number';
    if (type === 'string') return ID_NAME.test(name) || isCodedString(schema) ? 'exact' : 'text';
  }
  const sample = a ?? b;
  if (Array.isArray(a) || Array.isArray(b)) return 'set';
  if (typeof sample === 'number') return Number.isInteger(sample) && ID_NAME.test(name) ? 'exact' : 'number';
  if (typeof sample === 'string') {
    return ID_NAME.test(name) || (looksLikeId(a ?? '') && looksLikeId(b ?? '')) ? 'exact' : 'text';
  }
  return 'exact';
}

function score(kind: FieldKind, a: unknown, b: unknown, settings: Required<CompareOptions>): number {
  if (a === undefined || a === null || b === undefined || b === null) return a === b || (isAbsent(a) && isAbsent(b)) ? 1 : 0;
  switch (kind) {
    case 'exact':
      return canonicalJson(a) === canonicalJson(b) ? 1 : 0;
    case 'number':
      return numbersAgree(a, b, settings.numberTolerance) ? 1 : 0;
    case 'set':
      return bagJaccard(itemBag(a), itemBag(b));
    case 'text':
      return typeof a === 'string' && typeof b === 'string' ? textSimilarity(a, b) : canonicalJson(a) === canonicalJson(b) ? 1 : 0;
  }
}

function numbersAgree(a: unknown, b: unknown, tolerance: number): boolean {
  const x = typeof a === 'number' ? a : Number.NaN;
  const y = typeof b === 'number' ? b : Number.NaN;
  if (Number.isNaN(x) || Number.isNaN(y)) return canonicalJson(a) === canonicalJson(b);
  return Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y));
}

/** A list's items as normalised keys with their counts: prose normalised, objects as canonical JSON; a non-list is one item. */
function itemBag(value: unknown): Map<string, number> {
  const bag = new Map<string, number>();
  for (const item of Array.isArray(value) ? value : [value]) {
    const key = typeof item === 'string' ? `s:${normaliseText(item)}` : `j:${canonicalJson(item)}`;
    bag.set(key, (bag.get(key) ?? 0) + 1);
  }
  return bag;
}

/** Jaccard of two multisets (shared counts over all counts): order does not matter, a dropped repeat does. */
function bagJaccard(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let shared = 0;
  let all = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    shared += Math.min(a.get(key) ?? 0, b.get(key) ?? 0);
    all += Math.max(a.get(key) ?? 0, b.get(key) ?? 0);
  }
  return all === 0 ? 1 : shared / all;
}

/** Token Jaccard similarity of two texts after normalisation; two empty texts are the same. */
export function textSimilarity(a: string, b: string): number {
  return jaccard(new Set(tokens(a)), new Set(tokens(b)));
}

/** Lowercase, punctuation as spaces, whitespace collapsed: `"The  pH, 6.5!"` -> `"the ph 6 5"`. */
export function normaliseText(text: string): string {
  return tokens(text).join(' ');
}

function tokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((token) => token !== '');
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** Summarises many documents' comparisons: per field and per whole document, with Wilson 95% intervals. */
export function summariseAgreement(documents: readonly AnswerAgreement[]): AgreementSummary {
  const byPath = new Map<string, { kind: FieldKind; agree: number; n: number }>();
  let agreeingDocuments = 0;
  for (const document of documents) {
    for (const field of document.fields) {
      const tally = byPath.get(field.path) ?? { kind: field.kind, agree: 0, n: 0 };
      tally.n += 1;
      if (field.agrees) tally.agree += 1;
      byPath.set(field.path, tally);
    }
    if (document.fields.every((field) => field.agrees)) agreeingDocuments += 1;
  }
  const fields = [...byPath].map(([path, tally]) => ({ path, kind: tally.kind, ...agreementRate(tally.agree, tally.n) }));
  return { fields, overall: agreementRate(agreeingDocuments, documents.length) };
}

/** `agree` out of `n` with its Wilson score interval at 95% (z = 1.96), which stays inside 0..1 for small n. */
export function agreementRate(agree: number, n: number): AgreementRate {
  if (n === 0) return { agree, n, rate: 0, interval: { low: 0, high: 1 } };
  const z = 1.96;
  const p = agree / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { agree, n, rate: p, interval: { low: Math.max(0, centre - half), high: Math.min(1, centre + half) } };
}

/** `83% (20/24, 95% CI 64–93%)`. */
export function rateText(rate: AgreementRate): string {
  const percent = (value: number): number => Math.round(value * 100);
  return `${percent(rate.rate)}% (${rate.agree}/${rate.n}, 95% CI ${percent(rate.interval.low)}–${percent(rate.interval.high)}%)`;
}

/** The schema that describes a value: `anyOf`/`oneOf` of one real type and `null` resolve to that type. */
function effectiveSchema(schema: Schema | undefined): Schema | undefined {
  if (schema === undefined) return undefined;
  for (const keyword of ['anyOf', 'oneOf']) {
    const options = schema[keyword];
    if (Array.isArray(options)) {
      const real = options.filter((option): option is Schema => isRecord(option) && schemaType(option) !== 'null');
      if (real.length === 1) return effectiveSchema(real[0]);
    }
  }
  return schema;
}

/** The schema's type, ignoring `null` in a type list (`["number", "null"]` is a number). */
function schemaType(schema: Schema): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const real = type.filter((entry): entry is string => typeof entry === 'string' && entry.toLowerCase() !== 'null');
    return real.length === 1 ? real[0]?.toLowerCase() : undefined;
  }
  return undefined;
}

/** Strings with a format or a pattern are codes (dates, DOIs, ...), not prose. */
function isCodedString(schema: Schema): boolean {
  return schema['format'] !== undefined || schema['pattern'] !== undefined;
}

/** One short token with no spaces, e.g. `doc-0042`, `10.1000/xyz`, `2024-01-31`: an identifier, not prose. */
function looksLikeId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 64 && !/\s/.test(value) && /\d/.test(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
