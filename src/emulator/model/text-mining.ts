/**
 * @module Mines a prompt for the material a simulated answer is built from: its sentences (told apart from
 * instructions), the first line, and — each computed on first use — fields, numbers, names, dates, e-mail
 * addresses, URLs, units and keywords. Wrapped lines are joined back into sentences, and members of an embedded
 * JSON document (`"abstract": "..."`) are read as their text.
 */
import {
  findEmails,
  findUrls,
  isFieldLine,
  mineDates,
  mineFields,
  mineKeywords,
  mineNames,
  mineNumbers,
  parseJsonString,
  rankUnits,
  type MinedFields,
  type NumberMention,
} from './mention-mining.ts';
import { contentStems } from './text-words.ts';

/** A sentence of the prompt. */
export interface Sentence {
  readonly text: string;
  readonly stems: readonly string[];
  /** Addressed to the model ("Extract the title as JSON") rather than content. */
  readonly isInstruction: boolean;
  /** Running prose: six words or more and not a `key: value` line. */
  readonly isProse: boolean;
}

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
}

/** Only the start of a long document is mined, which keeps every line fast. */
const MAX_MINED_CHARS = 20_000;
const MAX_SENTENCE_CHARS = 300;
const INSTRUCTION_VERBS =
  'extract|return|respond|reply|output|give|list|summari[sz]e|classify|identify|provide|read|analy[sz]e|generate|' +
  "write|describe|find|determine|answer|tell|create|produce|fill|use|do not|don't|make|explain|based on|given|" +
  'here is|here are|leave|keep|include|report|never|always|ensure|make sure|avoid|follow|format|translate|rate|' +
  'score|label|categori[sz]e|choose|select|convert|compute|calculate';
const INSTRUCTION_START = new RegExp(`^(please\\s+)?(${INSTRUCTION_VERBS})\\b`, 'i');
/** Lower-case `you` only: a title-case "You" is usually part of a title. Backticks quote field names. */
const ADDRESSING_WORDS = /\b(you|your)\b|\b(JSON|json|Json|schema|Schema)\b|`[^`]+`|\{\{/;
/** A sentence ends at `.`, `!` or `?` after a small letter or digit, unless an abbreviation ends there. */
const ABBREVIATIONS = 'Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|vs|Fig|No|al|Inc|Ltd|Co|e\\.g|i\\.e';
const SENTENCE_BREAK = new RegExp(
  `(?<=[\\p{Ll}\\p{N})\\]"'][.!?])(?<!\\b(?:${ABBREVIATIONS})\\.)\\s+(?=[\\p{Lu}\\p{N}"'([])`,
  'u',
);
const LIST_MARKER = /^(#{1,6}\s+|[-*•]\s+|\d{1,3}[.)]\s+)/;
const JSON_STRING_MEMBER = /^"[^"\\]{1,60}"\s*:\s*"((?:[^"\\]|\\.)*)",?$/;

/** Mines the prompt's text parts (joined by blank lines). */
export function mineText(texts: readonly string[]): TextCorpus {
  const text = texts.join('\n\n').slice(0, MAX_MINED_CHARS);
  const rawLines = text.split(/\r?\n/).map((line) => line.trim());
  const lines = logicalLines(rawLines);
  const sentences = lines.flatMap((line) => line.split(SENTENCE_BREAK)).map(toSentence);
  const contentSentences = sentences.filter((sentence) => !sentence.isInstruction);
  const facts = contentSentences.length > 0 ? contentSentences : sentences;
  const proseText = memo(() =>
    facts
      .filter((sentence) => sentence.isProse)
      .map((sentence) => sentence.text)
      .join('\n'),
  );
  // Most answers need only some of these, so each is mined on first use.
  const fields = memo(() => mineFields(rawLines, text));
  const numbers = memo(() => mineNumbers(facts));
  const units = memo(() => rankUnits(numbers()));
  const names = memo(() => mineNames(fields(), lines, proseText()));
  const dates = memo(() => mineDates(text));
  const emails = memo(() => findEmails(text));
  const urls = memo(() => findUrls(text));
  const keywords = memo(() => mineKeywords(facts.map((sentence) => sentence.text).join('\n')));
  return {
    sentences,
    facts,
    firstLine: lines.find((line) => line.length <= 200 && !isInstruction(line)),
    get fields() {
      return fields();
    },
    get numbers() {
      return numbers();
    },
    get units() {
      return units();
    },
    get names() {
      return names();
    },
    get dates() {
      return dates();
    },
    get emails() {
      return emails();
    },
    get urls() {
      return urls();
    },
    get keywords() {
      return keywords();
    },
  };
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

function toSentence(raw: string): Sentence {
  const trimmed = raw.trim();
  const cut = trimmed.lastIndexOf(' ', MAX_SENTENCE_CHARS);
  const text = trimmed.length <= MAX_SENTENCE_CHARS ? trimmed : `${trimmed.slice(0, cut)}…`;
  const stems = memo(() => contentStems(text));
  return {
    text,
    get stems() {
      return stems();
    },
    isInstruction: isInstruction(text),
    isProse: !isFieldLine(text) && / \S+ \S+ \S+ \S+ \S/.test(text),
  };
}

function isInstruction(text: string): boolean {
  return INSTRUCTION_START.test(text) || ADDRESSING_WORDS.test(text) || /[:?]$/.test(text);
}

function memo<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}
