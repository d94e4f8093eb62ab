/**
 * @module Finds the numbers a prompt's content sentences mention, each with its unit, the words around it and its
 * sentence (unit and words read on first use), and ranks the units written after them.
 */
import { forEachMatch } from './pattern-matching.ts';
import type { Sentence } from './sentences.ts';
import { STOPWORDS, stem, wordsOf } from './text-words.ts';

/** A number found in the prompt. */
export interface NumberMention {
  readonly value: number;
  readonly isInteger: boolean;
  readonly isYear: boolean;
  /** The unit written right after it (`t/ha`, `%`, `days`), if any. */
  readonly unit: string | undefined;
  /** Stems of the words around it. */
  readonly context: readonly string[];
  /** The sentence it occurs in. */
  readonly sentence: string;
}

/** Numbers beyond this many are not collected. */
const MAX_NUMBERS = 200;
const NUMBER = /(?<![\p{L}\p{N}.,-])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\p{L}\p{N}]|[.,]\d)/gu;
const UNIT = /^ ?(%|°\s?[CF]|[\p{L}µ][\p{L}\p{N}µ²³]*(?:\/[\p{L}\p{N}µ²³]+)*)/u;

/**
 * A number found in a sentence. Its unit and context are read from the sentence on first use: most answers need
 * only the value, so this keeps mining every number of a long prompt cheap.
 */
class MinedNumber implements NumberMention {
  readonly value: number;
  readonly isInteger: boolean;
  readonly isYear: boolean;
  readonly sentence: string;
  readonly #start: number;
  readonly #end: number;
  #unit: { value: string | undefined } | undefined;
  #context: readonly string[] | undefined;

  constructor(raw: string, value: number, sentence: string, start: number) {
    this.value = value;
    this.isInteger = Number.isInteger(value) && !raw.includes('.');
    // Only four-digit numbers can be years: the length test spares the pattern on the many other numbers of a text.
    this.isYear = this.isInteger && raw.length === 4 && /^(1[5-9]\d\d|20\d\d)$/.test(raw);
    this.sentence = sentence;
    this.#start = start;
    this.#end = start + raw.length;
  }

  get unit(): string | undefined {
    this.#unit ??= { value: unitAfter(this.sentence, this.#end) };
    return this.#unit.value;
  }

  get context(): readonly string[] {
    this.#context ??= contextAround(this.sentence, this.#start, this.#end);
    return this.#context;
  }
}

function unitAfter(text: string, end: number): string | undefined {
  const unit = UNIT.exec(text.slice(end, end + 24))?.[1];
  return unit === undefined || unit.length > 12 || STOPWORDS.has(unit.toLowerCase()) ? undefined : unit;
}

function contextAround(text: string, start: number, end: number): string[] {
  const before = wordsOf(text.slice(Math.max(0, start - 40), start)).slice(-4);
  const after = wordsOf(text.slice(end, end + 30)).slice(0, 3);
  return [...before, ...after].map(stem);
}

/** Numbers in the content sentences, with unit, context and sentence. */
export function mineNumbers(facts: readonly Sentence[]): NumberMention[] {
  const numbers: NumberMention[] = [];
  for (const sentence of facts) {
    if (numbers.length >= MAX_NUMBERS) break;
    const text = sentence.text;
    forEachMatch(NUMBER, text, (match) => {
      const raw = match[0];
      const value = Number(raw.includes(',') ? raw.replaceAll(',', '') : raw);
      if (Number.isFinite(value)) numbers.push(new MinedNumber(raw, value, text, match.index));
    });
  }
  return numbers;
}

/** Units written after numbers, most frequent first. */
export function rankUnits(numbers: readonly NumberMention[]): string[] {
  const counts = new Map<string, number>();
  for (const { unit } of numbers) if (unit !== undefined) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  return [...counts.entries()].sort((left, right) => right[1] - left[1]).map(([unit]) => unit);
}
