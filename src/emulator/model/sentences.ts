/**
 * @module The prompt's sentences: lines split where a sentence ends (not after an abbreviation), each told apart as
 * an instruction to the model or content, with its stems and whether it is prose worked out on first use.
 */
import { isFieldLine } from './mention-mining.ts';
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
/** Sticky: it is only tried where a sentence can end (see {@link splitSentences}). */
const SENTENCE_BREAK = new RegExp(
  `(?<=[\\p{Ll}\\p{N})\\]"'][.!?])(?<!\\b(?:${ABBREVIATIONS})\\.)\\s+(?=[\\p{Lu}\\p{N}"'([])`,
  'uy',
);
const PROSE = / \S+ \S+ \S+ \S+ \S/;

/**
 * `line.split(SENTENCE_BREAK)`, trying the pattern only where it can match: right after a `.`, `!` or `?` (its
 * lookbehind needs one there) that is followed by what may be white space, instead of at every position.
 */
export function splitSentences(line: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let dot = line.indexOf('.');
  let bang = line.indexOf('!');
  let ask = line.indexOf('?');
  for (;;) {
    let at = dot;
    if (bang >= 0 && (at < 0 || bang < at)) at = bang;
    if (ask >= 0 && (at < 0 || ask < at)) at = ask;
    if (at < 0) break;
    let from = at + 1;
    if (mayBeSpace(line.charCodeAt(from))) {
      SENTENCE_BREAK.lastIndex = from;
      if (SENTENCE_BREAK.test(line)) {
        pieces.push(line.slice(start, from));
        start = SENTENCE_BREAK.lastIndex;
        from = start;
      }
    }
    if (dot >= 0 && dot < from) dot = line.indexOf('.', from);
    if (bang >= 0 && bang < from) bang = line.indexOf('!', from);
    if (ask >= 0 && ask < from) ask = line.indexOf('?', from);
  }
  pieces.push(line.slice(start));
  return pieces;
}

/** False only for characters `\s` never matches (every white space is ASCII, U+00A0 or from U+1680 on). */
function mayBeSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code >= 0x1680;
}

/** A sentence; its stems and whether it is prose are worked out on first use. */
class MinedSentence implements Sentence {
  readonly text: string;
  readonly isInstruction: boolean;
  #stems: readonly string[] | undefined;
  #isProse: boolean | undefined;

  constructor(text: string) {
    this.text = text;
    this.isInstruction = isInstruction(text);
  }

  get stems(): readonly string[] {
    this.#stems ??= contentStems(this.text);
    return this.#stems;
  }

  get isProse(): boolean {
    this.#isProse ??= !isFieldLine(this.text) && PROSE.test(this.text);
    return this.#isProse;
  }
}

/** A sentence from a piece of a line, cut at a word boundary when very long. */
export function toSentence(raw: string): Sentence {
  const trimmed = raw.trim();
  if (trimmed.length <= MAX_SENTENCE_CHARS) return new MinedSentence(trimmed);
  return new MinedSentence(`${trimmed.slice(0, trimmed.lastIndexOf(' ', MAX_SENTENCE_CHARS))}…`);
}

/** Whether a text is addressed to the model (an instruction, a question, a lead-in ending in a colon). */
export function isInstruction(text: string): boolean {
  // A colon or question mark at the end is read off the last character (a `$` pattern is tried at every position).
  const last = text.charCodeAt(text.length - 1);
  return last === 58 || last === 63 || INSTRUCTION_START.test(text) || ADDRESSING_WORDS.test(text);
}
