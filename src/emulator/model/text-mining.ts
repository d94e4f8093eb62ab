/**
 * @module Mines a prompt for the material a simulated answer is built from: sentences (told apart from
 * instructions), the first line, `key: value` fields, numbers with their surrounding words, years, dates, names,
 * e-mail addresses, URLs and keywords.
 */
import { contentStems, normaliseFieldName, STOPWORDS, stem, wordsOf } from './text-words.ts';

/** A sentence of the prompt. */
export interface Sentence {
  readonly text: string;
  readonly stems: readonly string[];
  /** Addressed to the model ("Extract the title as JSON") rather than content. */
  readonly isInstruction: boolean;
  /** Running prose: six words or more and not a `key: value` line. */
  readonly isProse: boolean;
}

/** A number found in the prompt, with the stems of the words around it. */
export interface NumberMention {
  readonly value: number;
  readonly isInteger: boolean;
  readonly isYear: boolean;
  readonly context: readonly string[];
}

/** Everything mined from one prompt. */
export interface TextCorpus {
  readonly sentences: readonly Sentence[];
  /** Content sentences (all sentences when every one reads as an instruction). */
  readonly facts: readonly Sentence[];
  /** The first short content line, a natural title. */
  readonly firstLine: string | undefined;
  /** `key: value` and `"key": "value"` pairs, keyed by normalised name; the first occurrence wins. */
  readonly fields: ReadonlyMap<string, string>;
  readonly numbers: readonly NumberMention[];
  readonly names: readonly string[];
  readonly dates: readonly string[];
  readonly emails: readonly string[];
  readonly urls: readonly string[];
  /** Content words by decreasing frequency. */
  readonly keywords: readonly string[];
}

/** Only the start of a long document is mined, which keeps every line fast. */
const MAX_MINED_CHARS = 20_000;
/** Numbers beyond this many are not collected. */
const MAX_NUMBERS = 200;
const MAX_SENTENCE_CHARS = 300;
const INSTRUCTION_VERBS =
  'extract|return|respond|reply|output|give|list|summari[sz]e|classify|identify|provide|read|analy[sz]e|generate|' +
  "write|describe|find|determine|answer|tell|create|produce|fill|use|do not|don't|make|explain|based on|given|" +
  'here is|here are';
const INSTRUCTION_START = new RegExp(`^(please\\s+)?(${INSTRUCTION_VERBS})\\b`, 'i');
/** Lower-case `you` only: a title-case "You" is usually part of a title. */
const ADDRESSING_WORDS = /\b(you|your)\b|\b(JSON|json|Json|schema|Schema)\b/;
/** A sentence ends at `.`, `!` or `?` after a small letter or digit, unless an abbreviation ends there. */
const ABBREVIATIONS = 'Dr|Mr|Mrs|Ms|Prof|Sr|Jr|St|vs|Fig|No|al|Inc|Ltd|Co|e\\.g|i\\.e';
const SENTENCE_BREAK = new RegExp(
  `(?<=[\\p{Ll}\\p{N})\\]"'][.!?])(?<!\\b(?:${ABBREVIATIONS})\\.)\\s+(?=[\\p{Lu}\\p{N}"'([])`,
  'u',
);
const LIST_MARKER = /^(#{1,6}\s+|[-*•]\s+|\d{1,3}[.)]\s+)/;
const LINE_FIELD = /^\s*(?:[-*•]\s*)?["']?([\p{L}][\p{L}\p{N} _-]{0,40}?)["']?\s*[:=]\s*(\S.*?)\s*,?\s*$/u;
const JSON_FIELD = /"([^"\\]{1,40})"\s*:\s*(?:"((?:[^"\\]|\\.){1,400})"|(-?\d+(?:\.\d+)?))/g;
const NUMBER = /(?<![\p{L}\p{N}.,-])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\p{L}\p{N}]|[.,]\d)/gu;
/** Two or three capitalised words, maybe with a middle initial or particle: "Jane A. Doe", "Ludwig van Beethoven". */
const NAME_WORD = '[A-Z][a-z]+(?:-[A-Z][a-z]+)?';
const NAME_MIDDLE = '(?: [A-Z]\\.)?(?: (?:van|von|de|da|del|der|le))?';
const NAME = new RegExp(`\\b${NAME_WORD}${NAME_MIDDLE}(?: ${NAME_WORD}){1,2}\\b`, 'g');
const ISO_DATE = /\b(1[5-9]\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b/g;
const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const MONTH_NAMES = 'January|February|March|April|May|June|July|August|September|October|November|December';
const MONTH_DATE = new RegExp(`\\b(${MONTH_NAMES}) (\\d{1,2}),? (1[5-9]\\d\\d|20\\d\\d)\\b`, 'g');
const DAY_MONTH_DATE = new RegExp(`\\b(\\d{1,2}) (${MONTH_NAMES}),? (1[5-9]\\d\\d|20\\d\\d)\\b`, 'g');
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL = /https?:\/\/[^\s)>\]"'<]+[^\s)>\]"'<.,;:]/g;
const PERSON_TITLES = new RegExp(
  '^((Mayor|Professor|Prof|President|Minister|Director|Senator|Chief|Executive|Captain|Judge|Doctor|Sir|Dame|Lady|' +
    'Lord|Mr|Mrs|Ms|Dr) )+',
);
const NOT_NAME_WORDS = new Set(
  (
    'The This That These Those In On At An We Our It Its For From To Of And But Or With By As Abstract Title Authors ' +
    'Author Introduction Keywords Summary Figure Table Section University Institute Department Published Journal ' +
    'Conference Proceedings Return Extract Results Conclusion Methods Background Chapter Page Volume Issue Monday ' +
    'Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September ' +
    'October November December If When Here There Please Note Dear Hello Thanks Regards Inc Ltd Company Corporation ' +
    'Group Labs Lab Research Brain Society Association Ministry Agency Council Committee Bank Foundation Center ' +
    'Centre School College Hospital Report Project Street Road River Lake Mount North South East West New'
  ).split(' '),
);

/** Mines the prompt's text parts (joined by blank lines). */
export function mineText(texts: readonly string[]): TextCorpus {
  const text = texts.join('\n\n').slice(0, MAX_MINED_CHARS);
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => /\p{L}/u.test(line));
  const sentences = lines.flatMap((line) => line.replace(LIST_MARKER, '').split(SENTENCE_BREAK)).map(toSentence);
  const contentSentences = sentences.filter((sentence) => !sentence.isInstruction);
  const facts = contentSentences.length > 0 ? contentSentences : sentences;
  const factText = memo(() => facts.map((sentence) => sentence.text).join('\n'));
  const proseText = memo(() =>
    facts
      .filter((sentence) => sentence.isProse)
      .map((sentence) => sentence.text)
      .join('\n'),
  );
  const fields = memo(() => mineFields(lines, text));
  const numbers = memo(() => mineNumbers(facts));
  const names = memo(() => mineNames(fields(), lines, proseText()));
  const dates = memo(() => mineDates(text));
  const emails = memo(() => unique(text.match(EMAIL) ?? []));
  const urls = memo(() => unique(text.match(URL) ?? []));
  const keywords = memo(() => mineKeywords(factText()));
  // Most answers need only some of these, so each is mined on first use.
  return {
    sentences,
    facts,
    firstLine: lines
      .map((line) => line.replace(LIST_MARKER, ''))
      .find((line) => line.length <= 200 && !isInstruction(line)),
    get fields() {
      return fields();
    },
    get numbers() {
      return numbers();
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

function memo<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}

function toSentence(raw: string): Sentence {
  const trimmed = raw.trim();
  const cut = trimmed.lastIndexOf(' ', MAX_SENTENCE_CHARS);
  const text = trimmed.length <= MAX_SENTENCE_CHARS ? trimmed : `${trimmed.slice(0, cut)}…`;
  const isProse = !LINE_FIELD.test(text) && / \S+ \S+ \S+ \S+ \S/.test(text);
  const stems = memo(() => contentStems(text));
  return {
    text,
    get stems() {
      return stems();
    },
    isInstruction: isInstruction(text),
    isProse,
  };
}

function isInstruction(text: string): boolean {
  return INSTRUCTION_START.test(text) || ADDRESSING_WORDS.test(text) || /[:?]$/.test(text);
}

function mineFields(lines: readonly string[], text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const add = (key: string, value: string): void => {
    const name = normaliseFieldName(key);
    const cleaned = value.replace(/^["']|["']$/g, '').trim();
    if (name.length > 0 && cleaned.length > 0 && !fields.has(name)) fields.set(name, cleaned);
  };
  for (const match of text.matchAll(JSON_FIELD)) add(match[1] ?? '', match[2] ?? match[3] ?? '');
  for (const line of lines) {
    const match = LINE_FIELD.exec(line);
    if (match !== null && !/^https?$/i.test(match[1] ?? '')) add(match[1] ?? '', match[2] ?? '');
  }
  return fields;
}

function mineNumbers(facts: readonly Sentence[]): NumberMention[] {
  const numbers: NumberMention[] = [];
  for (const sentence of facts) {
    if (numbers.length >= MAX_NUMBERS) break;
    for (const match of sentence.text.matchAll(NUMBER)) {
      const raw = match[0];
      const value = Number(raw.replaceAll(',', ''));
      if (!Number.isFinite(value)) continue;
      const start = match.index;
      const before = wordsOf(sentence.text.slice(Math.max(0, start - 40), start)).slice(-4);
      const after = wordsOf(sentence.text.slice(start + raw.length, start + raw.length + 30)).slice(0, 3);
      const isInteger = Number.isInteger(value) && !raw.includes('.');
      numbers.push({
        value,
        isInteger,
        isYear: isInteger && /^(1[5-9]\d\d|20\d\d)$/.test(raw),
        context: [...before, ...after].map(stem),
      });
    }
  }
  return numbers;
}

/** Names listed in an author-like field or a "By ..." line first, then capitalised word runs in prose. */
const NAME_FIELDS = ['authors', 'author', 'by', 'names', 'people', 'speakers', 'participants'];

function mineNames(fields: ReadonlyMap<string, string>, lines: readonly string[], proseText: string): string[] {
  const byLines = lines.filter((line) => /^by\s+\p{Lu}/iu.test(line)).map((line) => line.slice(3));
  const listed = [...NAME_FIELDS.map((key) => fields.get(key)), ...byLines]
    .filter((value) => value !== undefined)
    .flatMap((value) => splitList(value));
  const found = (proseText.match(NAME) ?? [])
    .map((name) => name.replace(PERSON_TITLES, ''))
    .filter((name) => name.includes(' ') && !name.split(/[ -]/).some((word) => NOT_NAME_WORDS.has(word)));
  return unique([...listed, ...found]);
}

/** Splits "A, B and C" / "A; B" into its items. */
export function splitList(value: string): string[] {
  return value
    .split(/\s*(?:,|;|\band\b|&)\s*/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function mineDates(text: string): string[] {
  const dates: string[] = [];
  for (const match of text.matchAll(ISO_DATE)) dates.push(match[0]);
  const iso = (year: string, month: string, day: string): string =>
    `${year}-${String(MONTHS.indexOf(month.toLowerCase()) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
  for (const match of text.matchAll(MONTH_DATE)) dates.push(iso(match[3] ?? '', match[1] ?? '', match[2] ?? ''));
  for (const match of text.matchAll(DAY_MONTH_DATE)) dates.push(iso(match[3] ?? '', match[2] ?? '', match[1] ?? ''));
  return unique(dates);
}

function mineKeywords(factText: string): string[] {
  const counts = new Map<string, number>();
  for (const word of wordsOf(factText)) {
    const lower = word.toLowerCase();
    if (lower.length < 4 || STOPWORDS.has(lower) || /\d/.test(lower)) continue;
    counts.set(lower, (counts.get(lower) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((left, right) => right[1] - left[1] || right[0].length - left[0].length)
    .slice(0, 12)
    .map(([word]) => word);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
