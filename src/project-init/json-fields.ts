/** @module The top-level fields JSON documents share, so a new prompt uses placeholders every document can fill. */

/** What a field holds, as JSON types go. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object';

/** One top-level field and how many of the documents read fill it (present and not `null`). */
export interface FieldStats {
  name: string;
  kind: FieldKind;
  /** Documents whose value is present and not `null`. */
  filled: number;
  /** The longest value seen as text, to tell a title from a body. */
  longestText: number;
}

/** The fields of a set of JSON documents. */
export interface JsonFields {
  documents: number;
  /** Every field seen, in order of first appearance. */
  fields: FieldStats[];
}

function kindOf(value: unknown): FieldKind {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

/**
 * Tallies the top-level fields of `documents` (each one parsed JSON object). A field's kind is the first one seen;
 * `null` counts as absent, as it does for a prompt placeholder.
 */
export function tallyJsonFields(documents: readonly Record<string, unknown>[]): JsonFields {
  const byName = new Map<string, FieldStats>();
  for (const document of documents) {
    for (const [name, value] of Object.entries(document)) {
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const stats = byName.get(name) ?? { name, kind: kindOf(value), filled: 0, longestText: 0 };
      stats.filled += 1;
      stats.longestText = Math.max(stats.longestText, text.length);
      byName.set(name, stats);
    }
  }
  return { documents: documents.length, fields: [...byName.values()] };
}

/** The fields every document fills: a placeholder for any other would make some documents invalid. */
export function fieldsInEveryDocument(tally: JsonFields): FieldStats[] {
  return tally.documents === 0 ? [] : tally.fields.filter((field) => field.filled === tally.documents);
}

/** The fields some documents lack, for a comment saying why they are not in the prompt. */
export function fieldsInSomeDocuments(tally: JsonFields): FieldStats[] {
  return tally.fields.filter((field) => field.filled < tally.documents);
}
