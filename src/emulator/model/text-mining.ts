/**
 * @module Mines a prompt for the material a simulated answer is built from: its sentences (told apart from
 * instructions), the first line, and — each computed on first use — fields, numbers, names, dates, e-mail
 * addresses, URLs, units and keywords. Wrapped lines are joined back into sentences, and members of an embedded
 * JSON document (`"abstract": "..."`) are read as their text.
 */
import {
  findEmails,
  findUrls,
  mineDates,
  mineFields,
  mineKeywords,
  mineNames,
  parseJsonString,
  type MinedFields,
} from './mention-mining.ts';
import { mineNumbers, rankUnits, type NumberMention } from './number-mining.ts';
import { isInstruction, splitSentences, toSentence, type Sentence } from './sentences.ts';

export type { Sentence } from './sentences.ts';

/** Everything mined from one prompt. */
export interface TextCorpus {
  readonly sentences: readonly Sentence[];
  /** Content sentences (all sentences when every one reads as an instruction). */
  readonly facts: readonly Sentence[];
  /** The first short content line, a natural title. */
  readonly firstLine: string | undefined;
  readonly fields: MinedFields;
  readonly numbers: readonly NumberMention[];
  /** Units written after numbers, most frequent first. */
  readonly units: readonly string[];
  readonly names: readonly string[];
  readonly dates: readonly string[];
  readonly emails: readonly string[];
  readonly urls: readonly string[];
  /** Content words by decreasing frequency. */
  readonly keywords: readonly string[];
  /** The first one or two prose sentences together, then each prose sentence alone. */
  readonly summaries: readonly string[];
}

/** Only the start of a long document is mined, which keeps every line fast. */
const MAX_MINED_CHARS = 20_000;
const LIST_MARKER = /^(#{1,6}\s+|[-*•]\s+|\d{1,3}[.)]\s+)/;
const JSON_STRING_MEMBER = /^"[^"\\]{1,60}"\s*:\s*"((?:[^"\\]|\\.)*)",?$/;

/** Mines the prompt's text parts (joined by blank lines). */
export function mineText(texts: readonly string[]): TextCorpus {
  const text = texts.join('\n\n').slice(0, MAX_MINED_CHARS);
  // Without a carriage return, splitting at "\n" is splitting at /\r?\n/, only cheaper.
  const rawLines = (text.includes('\r') ? text.split(/\r?\n/) : text.split('\n')).map((line) => line.trim());
  const lines = logicalLines(rawLines);
  const sentences: Sentence[] = [];
  for (const line of lines) for (const piece of splitSentences(line)) sentences.push(toSentence(piece));
  const contentSentences = sentences.filter((sentence) => !sentence.isInstruction);
  const facts = contentSentences.length > 0 ? contentSentences : sentences;
  return new MinedCorpus(text, rawLines, lines, sentences, facts);
}

/** A mined prompt. Most answers need only some of its parts, so each is mined on first use. */
class MinedCorpus implements TextCorpus {
  readonly sentences: readonly Sentence[];
  readonly facts: readonly Sentence[];
  readonly firstLine: string | undefined;
  readonly #text: string;
  readonly #rawLines: readonly string[];
  readonly #lines: readonly string[];
  #fields: MinedFields | undefined;
  #numbers: readonly NumberMention[] | undefined;
  #units: readonly string[] | undefined;
  #names: readonly string[] | undefined;
  #dates: readonly string[] | undefined;
  #emails: readonly string[] | undefined;
  #urls: readonly string[] | undefined;
  #keywords: readonly string[] | undefined;
  #prose: readonly Sentence[] | undefined;
  #summaries: readonly string[] | undefined;

  constructor(text: string, rawLines: readonly string[], lines: readonly string[], sentences: readonly Sentence[], facts: readonly Sentence[]) {
    this.#text = text;
    this.#rawLines = rawLines;
    this.#lines = lines;
    this.sentences = sentences;
    this.facts = facts;
    this.firstLine = lines.find((line) => line.length <= 200 && !isInstruction(line));
  }

  get fields(): MinedFields {
    this.#fields ??= mineFields(this.#rawLines, this.#text);
    return this.#fields;
  }

  get numbers(): readonly NumberMention[] {
    this.#numbers ??= mineNumbers(this.facts);
    return this.#numbers;
  }

  get units(): readonly string[] {
    this.#units ??= rankUnits(this.numbers);
    return this.#units;
  }

  get names(): readonly string[] {
    if (this.#names === undefined) {
      const fields = this.fields;
      const proseText = this.#proseFacts()
        .map((sentence) => sentence.text)
        .join('\n');
      this.#names = mineNames(fields, this.#lines, proseText);
    }
    return this.#names;
  }

  get dates(): readonly string[] {
    this.#dates ??= mineDates(this.#text);
    return this.#dates;
  }

  get emails(): readonly string[] {
    this.#emails ??= findEmails(this.#text);
    return this.#emails;
  }

  get urls(): readonly string[] {
    this.#urls ??= findUrls(this.#text);
    return this.#urls;
  }

  get keywords(): readonly string[] {
    this.#keywords ??= mineKeywords(this.facts.map((sentence) => sentence.text).join('\n'));
    return this.#keywords;
  }

  get summaries(): readonly string[] {
    this.#summaries ??= proseSummaries(this.#proseFacts());
    return this.#summaries;
  }

  /** The content sentences that are prose, which both names and summaries are taken from. */
  #proseFacts(): readonly Sentence[] {
    this.#prose ??= this.facts.filter((sentence) => sentence.isProse);
    return this.#prose;
  }
}

function proseSummaries(prose: readonly Sentence[]): string[] {
  const [first, second] = prose;
  if (first === undefined) return [];
  const fitsTogether = second !== undefined && first.text.length + second.text.length < 400;
  const summaries = fitsTogether ? [`${first.text} ${second.text}`] : [];
  for (const sentence of prose) summaries.push(sentence.text);
  return summaries;
}

/**
 * Lines as written, minus list markers, with a JSON string member read as its text and a line that continues a
 * wrapped sentence (starts in lower case after a line without final punctuation) joined to the previous one.
 */
function logicalLines(rawLines: readonly string[]): string[] {
  const lines: string[] = [];
  let joinable = false;
  for (const raw of rawLines) {
    const member = JSON_STRING_MEMBER.exec(raw);
    const line = member === null ? raw.replace(LIST_MARKER, '') : parseJsonString(member[1] ?? '').trim();
    if (!/\p{L}/u.test(line)) {
      joinable = false;
      continue;
    }
    const previous = lines.at(-1);
    if (joinable && member === null && previous !== undefined && /^\p{Ll}/u.test(line) && !/[.!?:]$/.test(previous)) {
      lines[lines.length - 1] = `${previous} ${line}`;
    } else {
      lines.push(line);
    }
    joinable = member === null;
  }
  return lines;
}
