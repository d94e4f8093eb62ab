/**
 * @module Picks strings and numbers for one schema property from the mined prompt, guided by the property's name
 * and description: a `title` gets the first line or a `Title:` field, `authors` get names, `year` a year, `summary`
 * the first sentences, any other name the sentence or number whose words match it best.
 */
import type { Rng } from '../../shared/index.ts';
import { splitList, type NumberMention, type TextCorpus } from './text-mining.ts';
import { nameStems, normaliseFieldName, overlap, stem } from './text-words.ts';

/** Only the first sentences compete for a generic property, which bounds the work per property. */
const MAX_RANKED_SENTENCES = 150;

/** Where a value goes: the property name, its parent's name, and its index when it is an array item. */
export interface ValueHint {
  readonly name: string;
  readonly parentName: string;
  /** Stems of the name and the schema description, to rank sentences and numbers. */
  readonly stems: readonly string[];
  readonly ordinal: number;
}

type Category = 'email' | 'url' | 'year' | 'date' | 'person' | 'title' | 'keyword' | 'summary' | 'generic';

const PERSON_WORDS = 'author person people editor contributor speaker creator owner participant member'.split(' ');
const SUMMARY_WORDS = (
  'summary abstract description overview synopsi gist tldr content body text explanation reason rationale detail ' +
  'note comment justification evidence quote'
).split(' ');
const CATEGORY_WORDS: ReadonlyArray<[Category, readonly string[]]> = [
  ['email', ['email', 'mail', 'contact']],
  ['url', ['url', 'link', 'website', 'homepage', 'uri', 'href']],
  ['year', ['year']],
  ['date', ['date', 'day', 'published', 'deadline', 'timestamp']],
  ['person', PERSON_WORDS],
  ['title', ['title', 'heading', 'headline', 'subject']],
  ['keyword', ['keyword', 'tag', 'topic', 'theme', 'label', 'category']],
  ['summary', SUMMARY_WORDS],
];

/** The kind of value a property name asks for. */
export function categoryOf(hint: ValueHint): Category {
  const words = nameStems(hint.name);
  for (const [category, markers] of CATEGORY_WORDS) if (words.some((word) => markers.includes(word))) return category;
  if (words.includes('name')) {
    const parent = nameStems(hint.parentName);
    return parent.some((word) => PERSON_WORDS.includes(word)) ? 'person' : 'title';
  }
  return 'generic';
}

/** The prompt's field whose key is the property name (or its singular / plural), if any. */
export function fieldValue(corpus: TextCorpus, name: string): string | undefined {
  if (name.length === 0) return undefined;
  const key = normaliseFieldName(name);
  return corpus.fields.get(key) ?? corpus.fields.get(stem(key)) ?? corpus.fields.get(`${key}s`);
}

/** Ready-made lists for an array of strings: a listed field, names, keywords. Undefined when nothing fits. */
export function stringList(corpus: TextCorpus, hint: ValueHint): readonly string[] | undefined {
  const field = fieldValue(corpus, hint.name);
  if (field !== undefined) return splitList(field);
  const category = categoryOf(hint);
  if (category === 'person' && corpus.names.length > 0) return corpus.names;
  if (category === 'keyword' && corpus.keywords.length > 0) return corpus.keywords;
  return undefined;
}

type Source = readonly string[] | (() => readonly string[]);

/**
 * Candidate strings for a property, best first: at least `hint.ordinal + 1` of them when the prompt has that many
 * (sources further down the list are only computed when the earlier ones run short).
 */
export function stringCandidates(corpus: TextCorpus, hint: ValueHint, format: string | undefined, rng: Rng): string[] {
  const field = fieldValue(corpus, hint.name);
  const fromField = field === undefined ? [] : hint.ordinal > 0 ? splitList(field) : [field];
  const ranked = (): string[] => rankedSentences(corpus, hint, rng);
  const years = (): string[] => corpus.numbers.filter((mention) => mention.isYear).map((mention) => String(mention.value));
  const sources = ((): Source[] => {
    switch (formatCategory(format) ?? categoryOf(hint)) {
      case 'email':
        return [fromField, () => corpus.emails, ['contact@example.com']];
      case 'url':
        return [fromField, () => corpus.urls, ['https://example.com']];
      case 'year':
        return [fromField, years, ranked];
      case 'date':
        return [fromField, () => corpus.dates, () => years().map((year) => `${year}-01-01`), ranked];
      case 'person':
        return [fromField, () => corpus.names, ranked];
      case 'title':
        return [fromField, optional(corpus.firstLine), ranked];
      case 'keyword':
        return [fromField, () => corpus.keywords, ranked];
      case 'summary':
        return [fromField, () => summaries(corpus), ranked];
      case 'generic':
        return [fromField, ranked];
    }
  })();
  const candidates: string[] = [];
  for (const source of sources) {
    if (candidates.length > hint.ordinal) break;
    candidates.push(...(typeof source === 'function' ? source() : source));
  }
  return candidates;
}

function optional(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

function formatCategory(format: string | undefined): Category | undefined {
  if (format === 'email') return 'email';
  if (format === 'uri' || format === 'url' || format === 'uri-reference') return 'url';
  if (format === 'date' || format === 'date-time') return 'date';
  return undefined;
}

/** The first one or two prose sentences, then each prose sentence alone. */
function summaries(corpus: TextCorpus): string[] {
  const prose = corpus.facts.filter((sentence) => sentence.isProse);
  const [first, second] = prose;
  if (first === undefined) return [];
  const fitsTogether = second !== undefined && first.text.length + second.text.length < 400;
  const joined = fitsTogether ? [`${first.text} ${second.text}`] : [];
  return [...joined, ...prose.map((sentence) => sentence.text)];
}

/** Content sentences by relevance to the hint, prose first; equally relevant sentences in a seeded order. */
function rankedSentences(corpus: TextCorpus, hint: ValueHint, rng: Rng): string[] {
  return corpus.facts
    .slice(0, MAX_RANKED_SENTENCES)
    .map((sentence) => ({
      text: sentence.text,
      score: overlap(hint.stems, sentence.stems) + (sentence.isProse ? 0.5 : 0) + rng.next() * 0.4,
    }))
    .sort((left, right) => right.score - left.score)
    .map((entry) => entry.text);
}

/** Numbers for a property, best first: mentions whose neighbouring words match the name, then the others. */
export function numberCandidates(corpus: TextCorpus, hint: ValueHint, integer: boolean): number[] {
  const usable = corpus.numbers.filter((mention) => !integer || mention.isInteger);
  const pool = usable.length > 0 ? usable : corpus.numbers;
  const convert = (mention: NumberMention): number => (integer ? Math.round(mention.value) : mention.value);
  if (categoryOf(hint) === 'year') {
    const years = pool.filter((mention) => mention.isYear);
    if (years.length > 0) return years.map(convert);
  }
  const scored = pool.map((mention, index) => ({ mention, index, score: overlap(hint.stems, mention.context) }));
  // Years are poor answers for other numeric properties, so they come after equally relevant numbers.
  const yearRank = (mention: NumberMention): number => (mention.isYear ? 1 : 0);
  scored.sort(
    (left, right) =>
      right.score - left.score || yearRank(left.mention) - yearRank(right.mention) || left.index - right.index,
  );
  return scored.map((entry) => convert(entry.mention));
}

/**
 * Enum values ranked by how often they occur in the prompt's content, then by how many of their words occur;
 * values the prompt never mentions follow in a seeded order.
 */
export function rankEnumValues(corpus: TextCorpus, values: readonly unknown[], rng: Rng): unknown[] {
  const text = corpus.facts.map((sentence) => sentence.text.toLowerCase()).join('\n');
  const stems = corpus.facts.flatMap((sentence) => sentence.stems);
  const score = (value: unknown): number => {
    if (typeof value !== 'string' || value.length === 0) return 0;
    const words = nameStems(value);
    const wordShare = words.length === 0 ? 0 : overlap(words, stems) / words.length;
    return countOccurrences(text, value.toLowerCase()) + wordShare * 0.9;
  };
  return values
    .map((value) => ({ value, score: score(value) + rng.next() * 0.05 }))
    .sort((left, right) => right.score - left.score)
    .map((entry) => entry.value);
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + needle.length)) count += 1;
  return count;
}
