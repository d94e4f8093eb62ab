/**
 * @module `JSON.stringify` of a string, faster on long texts. Node 20's `JSON.stringify` escapes strings at about
 * a nanosecond or two per character; a prompt of a few kilobytes that only needs its quotes, backslashes and
 * newlines escaped is done several times faster by native `replaceAll`. The result is always exactly
 * `JSON.stringify`'s.
 */

/** Below this length `JSON.stringify` is as fast: the rewrite only pays on long texts. */
const LONG_TEXT = 256;
/** What the rewrite leaves to `JSON.stringify`: control characters but `\n`, and surrogates (it escapes lone ones). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_REWRITABLE = /[\u0000-\u0009\u000b-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`. */
export function quoteJson(text: string): string {
  if (text.length < LONG_TEXT || NOT_REWRITABLE.test(text)) return JSON.stringify(text);
  let body = text;
  // Backslashes first, so the ones added for quotes and newlines are not doubled.
  if (body.includes('\\')) body = body.replaceAll('\\', '\\\\');
  if (body.includes('"')) body = body.replaceAll('"', '\\"');
  if (body.includes('\n')) body = body.replaceAll('\n', '\\n');
  return `"${body}"`;
}
