/**
 * @module What a schema property asks for, judged from its name: the {@link ValueHint} passed down while a value is
 * generated, the value category (`authors` → person, `year` → year, ...) and the prompt field of the same name.
 */
import { memoByKey } from './bounded-cache.ts';
import type { NumberMention } from './number-mining.ts';
import type { TextCorpus } from './text-mining.ts';
import { nameStems, normaliseFieldName, stem } from './text-words.ts';

/** Where a value goes: the property name, its parent's name, and its index when it is an array item. */
export interface ValueHint {
  readonly name: string;
  readonly parentName: string;
  /** Stems of the name and the schema description, to rank sentences and numbers. */
  readonly stems: readonly string[];
  readonly ordinal: number;
  /**
   * The number an array-item object is about, so its properties agree: `value` is that number, `unit` its unit,
   * and a descriptive string its sentence.
   */
  readonly anchor: NumberMention | undefined;
}

/** The kind of value a property name asks for. */
export type Category =
  | 'email'
  | 'url'
  | 'year'
  | 'date'
  | 'person'
  | 'title'
  | 'keyword'
  | 'unit'
  | 'summary'
  | 'generic';

const PERSON_WORDS = 'author person people editor contributor speaker creator owner participant member'.split(' ');
const SUMMARY_WORDS = (
  'summary abstract description overview synopsi gist tldr content body text explanation reason rationale detail ' +
  'note comment justification evidence quote conclusion finding'
).split(' ');
const CATEGORY_WORDS: ReadonlyArray<[Category, readonly string[]]> = [
  ['email', ['email', 'mail', 'contact']],
  ['url', ['url', 'link', 'website', 'homepage', 'uri', 'href']],
  ['year', ['year']],
  ['date', ['date', 'day', 'published', 'deadline', 'timestamp']],
  ['person', PERSON_WORDS],
  ['title', ['title', 'heading', 'headline', 'subject']],
  ['keyword', ['keyword', 'tag', 'topic', 'theme', 'label', 'category']],
  ['unit', ['unit', 'uom']],
  ['summary', SUMMARY_WORDS],
];

/** A hint for property `name` (under `parentName`), described by `description`. */
export function hintFor(
  name: string,
  parentName: string,
  description: string,
  ordinal: number,
  anchor: NumberMention | undefined,
): ValueHint {
  return { name, parentName, ordinal, anchor, stems: [...nameStems(name), ...nameStems(description)] };
}

/** The same few (name, parent) pairs recur on every line of a batch; the key is `<name length>:<name><parent>`. */
const cachedCategory = memoByKey<Category>(4096, (key) => {
  const colon = key.indexOf(':');
  const nameEnd = colon + 1 + Number(key.slice(0, colon));
  const name = key.slice(colon + 1, nameEnd);
  const parentName = key.slice(nameEnd);
  const words = nameStems(name);
  for (const [category, markers] of CATEGORY_WORDS) if (words.some((word) => markers.includes(word))) return category;
  if (words.includes('name')) {
    const parent = nameStems(parentName);
    return parent.some((word) => PERSON_WORDS.includes(word)) ? 'person' : 'title';
  }
  return 'generic';
});

/** The category of the hinted property. */
export function categoryOf(hint: ValueHint): Category {
  return cachedCategory(`${hint.name.length}:${hint.name}${hint.parentName}`);
}

function fieldKey(corpus: TextCorpus, name: string): string | undefined {
  if (name.length === 0) return undefined;
  const key = normaliseFieldName(name);
  return [key, stem(key), `${key}s`].find((candidate) => corpus.fields.values.has(candidate));
}

/** The prompt's field named like the property (or its singular / plural), if any. */
export function fieldValue(corpus: TextCorpus, name: string): string | undefined {
  const key = fieldKey(corpus, name);
  return key === undefined ? undefined : corpus.fields.values.get(key);
}

/** The same field as a list: a JSON array's items, or the value split at commas, semicolons and "and". */
export function fieldList(corpus: TextCorpus, name: string): readonly string[] | undefined {
  const key = fieldKey(corpus, name);
  return key === undefined ? undefined : corpus.fields.lists.get(key);
}
