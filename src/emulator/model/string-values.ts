/**
 * @module Picks strings for a schema property from the mined prompt: a `title` gets the first line or a `Title:`
 * field, `authors` get names, `summary` the first sentences, `unit` a unit written after a number, and any other
 * name the sentence whose words match it best.
 */
import type { Rng } from '../../shared/index.ts';
import { findEmails, findUrls, mineDates } from './mention-mining.ts';
import { categoryOf, fieldList, fieldValue, type Category, type ValueHint } from './property-hints.ts';
import type { TextCorpus } from './text-mining.ts';
import { overlap } from './text-words.ts';

/** Only the first sentences compete for a generic property, which bounds the work per property. */
const MAX_RANKED_SENTENCES = 150;

/** Ready-made lists for an array of strings: a listed field, names, keywords. Undefined when nothing fits. */
export function stringList(corpus: TextCorpus, hint: ValueHint): readonly string[] | undefined {
  const listed = fieldList(corpus, hint.name);
  if (listed !== undefined && listed.length > 0) return listed;
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
  const candidates: string[] = [];
  for (const source of sourcesFor(formatCategory(format) ?? categoryOf(hint), corpus, hint, rng)) {
    if (candidates.length > hint.ordinal) break;
    candidates.push(...(typeof source === 'function' ? source() : source));
  }
  return candidates;
}

function sourcesFor(category: Category, corpus: TextCorpus, hint: ValueHint, rng: Rng): Source[] {
  const field = hint.ordinal > 0 ? fieldList(corpus, hint.name) : optional(fieldValue(corpus, hint.name));
  const fromField = field ?? [];
  const ranked = (): string[] => rankedSentences(corpus, hint, rng);
  const years = (): string[] =>
    corpus.numbers.filter((mention) => mention.isYear).map((mention) => String(mention.value));
  const anchored = optional(hint.anchor?.sentence);
  switch (category) {
    case 'email':
      return [fromField.flatMap(findEmails), () => corpus.emails, ['contact@example.com']];
    case 'url':
      return [fromField.flatMap(findUrls), () => corpus.urls, ['https://example.com']];
    case 'year':
      return [fromField, years, ranked];
    case 'date':
      return [fromField.flatMap(mineDates), () => corpus.dates, () => years().map((year) => `${year}-01-01`), ranked];
    case 'person':
      return [fromField, () => corpus.names, ranked];
    case 'title':
      return [fromField, optional(corpus.firstLine), ranked];
    case 'keyword':
      return [fromField, () => corpus.keywords, ranked];
    case 'unit':
      return [fromField, optional(hint.anchor?.unit), () => corpus.units, ['n/a']];
    case 'summary':
      return [fromField, anchored, () => corpus.summaries, ranked];
    case 'generic':
      return [fromField, anchored, ranked];
  }
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
