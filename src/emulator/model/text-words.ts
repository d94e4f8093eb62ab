/** @module Word-level helpers shared by the text miner and the value generator: splitting, stemming, stopwords. */
import { memoByKey } from './bounded-cache.ts';

const WORD = /[\p{L}][\p{L}\p{N}]*/gu;

/** English function words, never keywords. */
export const STOPWORDS = new Set(
  (
    'a about above after again all also an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here ' +
    'hers him his how i if in into is it its itself just may me might more most must my no nor not now of off on ' +
    'once only or other our ours out over own same she should so some such than that the their theirs them then ' +
    'there these they this those through to too under until up upon very was we were what when where which while ' +
    'who whom why will with would you your yours within without across among per via using used use new one two ' +
    'three however therefore thus based show shows shown propose proposed present presented achieve achieves ' +
    'achieved make makes made well first second like many much several various including include includes given ' +
    'since although whose'
  ).split(' '),
);

/** A word's crude stem: lower case, plural `s`/`ies` and possessive removed. */
export function stem(word: string): string {
  let lower = word.toLowerCase();
  if (lower.endsWith("'s") || lower.endsWith('’s')) lower = lower.slice(0, -2);
  if (lower.length > 4 && lower.endsWith('ies')) return `${lower.slice(0, -3)}y`;
  if (lower.length > 3 && lower.endsWith('s') && !lower.endsWith('ss')) return lower.slice(0, -1);
  return lower;
}

/** The words of a text, in order. */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The stems of a text's non-stopwords. */
export function contentStems(text: string): string[] {
  const stems: string[] = [];
  for (const word of wordsOf(text)) {
    const lower = word.toLowerCase();
    if (!STOPWORDS.has(lower)) stems.push(stem(lower));
  }
  return stems;
}

/** Names, descriptions and enum values recur on every line of a batch: their stems are worked out once. */
const cachedNameStems = memoByKey<readonly string[]>(4096, (name) =>
  contentStems(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ')),
);

/**
 * A property name's stems: `publicationYear`, `publication_year` and `publication-year` → `publication`, `year`.
 * The array is shared between calls: do not mutate it.
 */
export function nameStems(name: string): readonly string[] {
  return cachedNameStems(name);
}

/** Property names and the prompt's field names recur on every line of a batch: each is reduced once. */
const cachedFieldNames = memoByKey<string>(4096, (name) => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''));

/** A field name reduced for comparison: lower case, letters and digits only. */
export function normaliseFieldName(name: string): string {
  return cachedFieldNames(name);
}

/** Whether two stems name the same thing: equal, or sharing their first five letters (`publish`/`publication`). */
export function stemsMatch(left: string, right: string): boolean {
  if (left === right) return true;
  if (left.length < 5 || right.length < 5) return false;
  // The first five code units compared in place: no substrings made for every pair of stems.
  for (let index = 0; index < 5; index++) if (left.charCodeAt(index) !== right.charCodeAt(index)) return false;
  return true;
}

/** How many of `query` stems occur in `stems`. */
export function overlap(query: readonly string[], stems: readonly string[]): number {
  let count = 0;
  for (const wanted of query) if (stems.some((candidate) => stemsMatch(wanted, candidate))) count += 1;
  return count;
}
