/**
 * @module Prompt templates: `{{name}}`, `{{a.b.c}}`, `{{document}}` and `{{id}}` placeholders filled from one
 * document, with `\{{` as the escape for a literal `{{`.
 */
import { ConfigError, InputError } from '../shared/index.ts';

/** The document a prompt is rendered for: its id, its full text and its parsed fields. */
export interface TemplateDocument {
  id: string;
  text: string;
  fields: Record<string, unknown>;
}

/** Placeholder names that do not come from the document's fields. */
const BUILT_IN_NAMES: ReadonlySet<string> = new Set(['document', 'id']);

/** A dotted path: segments without whitespace, braces or dots. */
const PLACEHOLDER_NAME = /^[^\s{}.]+(?:\.[^\s{}.]+)*$/u;

type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string };

/** 1-based line and column of `index` in `text`, for error messages. */
function positionOf(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Splits a template into literal text and placeholders; a malformed placeholder is a config error. */
function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let index = 0;
  while (index < template.length) {
    if (template.startsWith('\\{{', index)) {
      text += '{{';
      index += 3;
      continue;
    }
    if (!template.startsWith('{{', index)) {
      text += template[index];
      index++;
      continue;
    }
    const close = template.indexOf('}}', index + 2);
    if (close === -1) {
      throw new ConfigError(
        `prompt template: "{{" at ${positionOf(template, index)} has no closing "}}" (write \\{{ for a literal "{{")`,
      );
    }
    const name = template.slice(index + 2, close).trim();
    if (!PLACEHOLDER_NAME.test(name)) {
      throw new ConfigError(
        `prompt template: placeholder "${template.slice(index, close + 2)}" at ${positionOf(template, index)} ` +
          'is not a field name or dotted path (write \\{{ for a literal "{{")',
      );
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'placeholder', name });
    index = close + 2;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/**
 * Follows a dotted path through own properties only (so `constructor` or `__proto__` never resolve to built-ins).
 * Array elements are reached by numeric segments (`authors.0`). `null` counts as missing.
 */
function lookupPath(fields: Record<string, unknown>, name: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = fields;
  for (const segment of name.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? { found: false } : { found: true, value: current };
}

/** Text for one value: strings as they are, numbers/booleans as text, arrays and objects as pretty JSON. */
function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value, null, 2) ?? String(value);
}

/**
 * The distinct placeholder names in `template`, in order of first use (whitespace inside the braces trimmed).
 * Throws {@link ConfigError} for an unclosed `{{` or a placeholder that is not a name or dotted path.
 */
export function findPlaceholders(template: string): string[] {
  const names = new Set<string>();
  for (const part of parseTemplate(template)) if (part.kind === 'placeholder') names.add(part.name);
  return [...names];
}

/**
 * The placeholders of `template` that `fields` cannot fill (absent or `null`), in order of first use;
 * `document` and `id` are always available. Used at plan time to reject documents before any request is built.
 */
export function findMissingPlaceholders(template: string, fields: Record<string, unknown>): string[] {
  return findPlaceholders(template).filter((name) => !BUILT_IN_NAMES.has(name) && !lookupPath(fields, name).found);
}

/**
 * Renders `template` for one document. `{{document}}` is the whole text and `{{id}}` the id (both take precedence
 * over fields of the same name); any other name is a dotted path into `doc.fields`.
 * Throws {@link InputError} naming the document id and every missing field.
 * @example renderPrompt('Title: {{ meta.title }}', { id: 'd1', text: '', fields: { meta: { title: 'Soil' } } })
 */
export function renderPrompt(template: string, doc: TemplateDocument): string {
  const parts = parseTemplate(template);
  const missing = new Set<string>();
  let rendered = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      rendered += part.text;
    } else if (part.name === 'document') {
      rendered += doc.text;
    } else if (part.name === 'id') {
      rendered += doc.id;
    } else {
      const lookup = lookupPath(doc.fields, part.name);
      if (lookup.found) rendered += renderValue(lookup.value);
      else missing.add(part.name);
    }
  }
  if (missing.size > 0) throw new InputError(`document ${doc.id}`, missingFieldsReason([...missing], Object.keys(doc.fields)));
  return rendered;
}

/** At most this many of a document's field names go into a reason: enough to spot the intended one. */
const MAX_FIELDS_NAMED = 20;

/**
 * Why a document cannot fill the template: the placeholders it lacks, then its own top-level fields (so a reader,
 * and {@link parseMissingFields} when grouping a stage's documents, can tell a wrong template from a bad document).
 * @example missingFieldsReason(['titel'], ['title', 'year']) // 'the prompt template needs field(s) "titel", which the document lacks (its fields: title, year)'
 */
export function missingFieldsReason(missing: readonly string[], fields: readonly string[]): string {
  const list = missing.map((name) => `"${name}"`).join(', ');
  const named = fields.slice(0, MAX_FIELDS_NAMED).join(', ') + (fields.length > MAX_FIELDS_NAMED ? ', …' : '');
  return `the prompt template needs field(s) ${list}, which the document lacks (its fields: ${fields.length === 0 ? 'none' : named})`;
}

const MISSING_FIELDS_PATTERN = /the prompt template needs field\(s\) ((?:"[^"]+"(?:, )?)+), which the document lacks \(its fields: (.*)\)$/u;

/**
 * The placeholders and fields a {@link missingFieldsReason} names (also inside a longer reason such as
 * `document p1: …`, as stored in the ledger), or undefined when `reason` is about something else.
 */
export function parseMissingFields(reason: string): { missing: string[]; fields: string[] } | undefined {
  const match = MISSING_FIELDS_PATTERN.exec(reason);
  if (!match) return undefined;
  const missing = [...(match[1] ?? '').matchAll(/"([^"]+)"/gu)].map((name) => name[1] ?? '');
  const listed = match[2] ?? '';
  const fields = listed === 'none' ? [] : listed.split(', ').filter((name) => name !== '…');
  return { missing, fields };
}
