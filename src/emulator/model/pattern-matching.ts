/** @module Regular-expression helpers for the prompt miners. */

/**
 * Visits every match of a global `pattern` in order, as `text.matchAll(pattern)` would, but on the shared pattern:
 * matchAll clones it on every call, which costs more than the search itself on the short texts mined here.
 */
export function forEachMatch(pattern: RegExp, text: string, visit: (match: RegExpExecArray) => void): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0] === '') pattern.lastIndex = advancedIndex(text, pattern.lastIndex, pattern.unicode);
    visit(match);
  }
}

/** The index after the character at `index` (a whole surrogate pair in unicode mode), as matchAll steps. */
function advancedIndex(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const code = text.charCodeAt(index);
  const next = text.charCodeAt(index + 1);
  return code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? index + 2 : index + 1;
}
