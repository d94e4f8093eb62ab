/**
 * @module Finds the concrete things a prompt mentions: `key: value` fields and lists (also inside an embedded JSON
 * document), names, dates, e-mail addresses, URLs and keywords. Numbers are mined in `number-mining.ts`.
 */
import { forEachMatch } from './pattern-matching.ts';
import { normaliseFieldName, STOPWORDS, wordsOf } from './text-words.ts';

/** Fields of the prompt keyed by normalised name: single values and lists. */
export interface MinedFields {
  readonly values: ReadonlyMap<string, string>;
  readonly lists: { get(name: string): readonly string[] | undefined };
}

/**
 * Each field as a list, a written value split into items only when asked for: most answers never ask, and the
 * split is a pattern search per field.
 */
class FieldLists {
  readonly #values: ReadonlyMap<string, string>;
  readonly #lists = new Map<string, readonly string[]>();

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  /** A list given as such (a JSON array), which is not the split of its joined value. */
  set(name: string, items: readonly string[]): void {
    this.#lists.set(name, items);
  }

  get(name: string): readonly string[] | undefined {
    const known = this.#lists.get(name);
    if (known !== undefined) return known;
    const value = this.#values.get(name);
    if (value === undefined) return undefined;
    const items = splitList(value);
    this.#lists.set(name, items);
    return items;
  }
}

const LINE_FIELD = /^\s*(?:[-*•]\s*)?["']?([\p{L}][\p{L}\p{N} _-]{0,40}?)["']?\s*[:=]\s*(\S.*?)\s*,?\s*$/u;
const JSON_FIELD = /"([^"\\]{1,40})"\s*:\s*(?:"((?:[^"\\]|\\.){1,400})"|(-?\d+(?:\.\d+)?)|(\[[^\]]{0,2000}\]))/g;
/** Two or three capitalised words, maybe with a middle initial or particle: "Jane A. Doe", "Ludwig van Beethoven". */
const NAME_WORD = '[A-Z][a-z]+(?:-[A-Z][a-z]+)?';
const NAME_MIDDLE = '(?: [A-Z]\\.)?(?: (?:van|von|de|da|del|der|le))?';
const NAME = new RegExp(`\\b${NAME_WORD}${NAME_MIDDLE}(?: ${NAME_WORD}){1,2}\\b`, 'g');
const NAME_FIELDS = ['authors', 'author', 'by', 'names', 'people', 'speakers', 'participants'];
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
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL = /https?:\/\/[^\s)>\]"'<]+[^\s)>\]"'<.,;:]/g;
const ISO_DATE = /\b(1[5-9]\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b/g;
const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const MONTH_NAMES = 'January|February|March|April|May|June|July|August|September|October|November|December';
const MONTH_DATE = new RegExp(`\\b(${MONTH_NAMES}) (\\d{1,2}),? (1[5-9]\\d\\d|20\\d\\d)\\b`, 'g');
const DAY_MONTH_DATE = new RegExp(`\\b(\\d{1,2}) (${MONTH_NAMES}),? (1[5-9]\\d\\d|20\\d\\d)\\b`, 'g');

/** Whether a line reads as `key: value`. */
export function isFieldLine(line: string): boolean {
  return mayBeFieldLine(line) && LINE_FIELD.test(line);
}

/** False for a line without `:` or `=`, which the field pattern needs: two string searches spare prose the pattern. */
function mayBeFieldLine(line: string): boolean {
  return line.includes(':') || line.includes('=');
}

/** `key: value` lines and `"key": value` JSON members; the first occurrence of a name wins. */
export function mineFields(lines: readonly string[], text: string): MinedFields {
  const values = new Map<string, string>();
  const lists = new FieldLists(values);
  const add = (key: string, value: string | readonly string[]): void => {
    const name = normaliseFieldName(key);
    if (name.length === 0 || values.has(name)) return;
    const items = typeof value === 'string' ? undefined : value.filter((item) => item.length > 0);
    const single = items === undefined ? value.toString().replace(/^["']|["']$/g, '').trim() : items.join(', ');
    if (single.length === 0) return;
    values.set(name, single);
    if (items !== undefined) lists.set(name, items);
  };
  forEachMatch(JSON_FIELD, text, (match) => {
    const [, key = '', quoted, numeric, array] = match;
    if (quoted !== undefined) add(key, parseJsonString(quoted));
    else if (numeric !== undefined) add(key, numeric);
    else if (array !== undefined) add(key, parseJsonList(array));
  });
  for (const line of lines) {
    const match = mayBeFieldLine(line) ? LINE_FIELD.exec(line) : null;
    if (match === null || /^https?$/i.test(match[1] ?? '')) continue;
    const value = match[2] ?? '';
    add(match[1] ?? '', value.startsWith('[') ? parseJsonList(value.replace(/,$/, '')) : value);
  }
  return { values, lists };
}

/** A JSON string literal's content, unescaped (left as written when it does not parse). */
export function parseJsonString(content: string): string {
  // Without a backslash there is nothing to unescape: the content parses to itself (or, holding a control
  // character, does not parse and is kept as written), so JSON.parse is not needed.
  if (!content.includes('\\')) return content;
  try {
    const parsed: unknown = JSON.parse(`"${content}"`);
    return typeof parsed === 'string' ? parsed : content;
  } catch {
    return content;
  }
}

function parseJsonList(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.filter((item) => typeof item !== 'object').map(String);
  } catch {
    // Not JSON after all: treat it as a written list.
  }
  return splitList(text.replace(/^\[|\]$/g, ''));
}

/** Splits "A, B and C" / "A; B" into its items. */
export function splitList(value: string): string[] {
  return value
    .split(/\s*(?:,|;|\band\b|&)\s*/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Names listed in an author-like field or a "By ..." line first, then capitalised word runs in prose. */
export function mineNames(fields: MinedFields, lines: readonly string[], proseText: string): string[] {
  const listed = NAME_FIELDS.flatMap((key) => fields.lists.get(key) ?? []);
  const byLines = lines.filter((line) => /^by\s+\p{Lu}/iu.test(line)).flatMap((line) => splitList(line.slice(3)));
  const found = (proseText.match(NAME) ?? [])
    .map((name) => name.replace(PERSON_TITLES, ''))
    .filter((name) => name.includes(' ') && !name.split(/[ -]/).some((word) => NOT_NAME_WORDS.has(word)));
  return unique([...listed, ...byLines, ...found]);
}

/** The e-mail addresses in a text. */
export function findEmails(text: string): string[] {
  return unique(text.match(EMAIL) ?? []);
}

/** The http(s) URLs in a text. */
export function findUrls(text: string): string[] {
  return unique(text.match(URL) ?? []);
}

/** ISO dates and "March 3, 2021" / "3 March 2021" dates, as `YYYY-MM-DD`. */
export function mineDates(text: string): string[] {
  const dates: string[] = [];
  forEachMatch(ISO_DATE, text, (match) => dates.push(match[0]));
  const iso = (year: string, month: string, day: string): string =>
    `${year}-${String(MONTHS.indexOf(month.toLowerCase()) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
  forEachMatch(MONTH_DATE, text, (match) => dates.push(iso(match[3] ?? '', match[1] ?? '', match[2] ?? '')));
  forEachMatch(DAY_MONTH_DATE, text, (match) => dates.push(iso(match[3] ?? '', match[2] ?? '', match[1] ?? '')));
  return unique(dates);
}

/** Content words of four letters or more, most frequent (then longest) first. */
export function mineKeywords(factText: string): string[] {
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

/** The distinct values, in first-seen order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
