/**
 * @module Picks numbers and enum values for a schema property from the mined prompt: the number whose neighbouring
 * words match the property name, an array item's anchor number, a year for `year`; the enum value the text
 * mentions most.
 */
import type { Rng } from '../../shared/index.ts';
import type { NumberMention } from './number-mining.ts';
import { categoryOf, type ValueHint } from './property-hints.ts';
import type { TextCorpus } from './text-mining.ts';
import { nameStems, overlap } from './text-words.ts';

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
  const ranked = scored.map((entry) => convert(entry.mention));
  const anchor = hint.anchor;
  const nameMatches = (scored[0]?.score ?? 0) > 0;
  return anchor !== undefined && !nameMatches && (anchor.isInteger || !integer) ? [anchor.value, ...ranked] : ranked;
}

/**
 * The number the `ordinal`-th item of an array of objects is about: mentions with a unit (not years) first, so a
 * list of findings walks through the measured values of the text.
 */
export function anchorFor(corpus: TextCorpus, ordinal: number): NumberMention | undefined {
  const measured = corpus.numbers.filter((mention) => mention.unit !== undefined && !mention.isYear);
  const pool = measured.length > 0 ? measured : corpus.numbers;
  return pool.length === 0 ? undefined : pool[ordinal % pool.length];
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
