/** @module JSON parsing that says where a syntax error is (line and column), for config files and documents. */

/** A 1-based line and column. */
export interface TextPosition {
  line: number;
  column: number;
}

/** The line and column of a 0-based character offset in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset of the first JSON syntax error in `text`, or undefined if it is valid JSON. V8 does not report a
 * position for every error (e.g. "Unexpected token"), so this small strict scanner finds it. Each step returns
 * false once it has recorded the error.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  let errorAt = 0;
  const fail = (at: number): false => {
    errorAt = at;
    return false;
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return fail(i);
    i++;
    for (;;) {
      const char = text[i];
      if (char === undefined || char.charCodeAt(0) < 0x20) return fail(i);
      if (char === '"') {
        i++;
        return true;
      }
      if (char !== '\\') i++;
      else if ('"\\/bfnrt'.includes(text[i + 1] ?? 'x')) i += 2;
      else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else return fail(i);
    }
  };
  const sequence = (close: string, item: () => boolean): boolean => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return true;
    }
    for (;;) {
      if (!item()) return false;
      skipSpace();
      if (text[i] === close) {
        i++;
        return true;
      }
      if (text[i] !== ',') return fail(i);
      i++;
    }
  };
  const member = (): boolean => {
    skipSpace();
    if (!string()) return false;
    skipSpace();
    if (text[i] !== ':') return fail(i);
    i++;
    return value();
  };
  const literal = (word: string): boolean => {
    if (!text.startsWith(word, i)) return fail(i);
    i += word.length;
    return true;
  };
  function value(): boolean {
    skipSpace();
    switch (text[i]) {
      case '{':
        return sequence('}', member);
      case '[':
        return sequence(']', value);
      case '"':
        return string();
      case 't':
        return literal('true');
      case 'f':
        return literal('false');
      case 'n':
        return literal('null');
      default:
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return fail(i);
        i = NUMBER.lastIndex;
        return true;
    }
  }
  if (!value()) return errorAt;
  skipSpace();
  return i < text.length ? i : undefined;
}

/** The outcome of {@link parseJsonText}. */
export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string; position: TextPosition };

/** V8's message without its position suffix or its quoted copy of the input. */
function cleanMessage(raw: string): string {
  return raw
    .replace(/\s+in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/^(Unexpected token .+?), (?:\.\.\.)?".*" is not valid JSON$/s, '$1');
}

/** Parses JSON; on failure gives the parser's message and the line and column of the error. */
export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(text) ?? text.length;
    return { ok: false, message: cleanMessage(raw), position: positionAt(text, offset) };
  }
}
