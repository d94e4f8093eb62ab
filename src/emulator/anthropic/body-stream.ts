/**
 * @module Reads a create body `{"requests": [ITEM, ...]}` as it arrives and yields each ITEM's JSON text, so a
 * 256 MB batch is never held in memory whole (only one request at a time). A small scanner tracks strings, escapes
 * and nesting; whatever is not an object with one `requests` array is refused in the API's words. Each ITEM is
 * parsed by the caller.
 */
import { AnthropicApiError } from './errors.ts';

const OPEN = new Set(['{', '[']);
const CLOSE = new Set(['}', ']']);
const WHITESPACE = /\s/;

function notJson(detail: string): AnthropicApiError {
  return new AnthropicApiError(400, `The request body is not valid JSON: ${detail}.`);
}

/** Where the scanner is in the body. */
type Phase = 'start' | 'key' | 'colon' | 'value' | 'items' | 'after-value' | 'done';

/**
 * The JSON texts of the `requests` items of a body read from `chunks`; throws a 400 for a body that is not
 * `{"requests": [...]}` and `tooLarge()` once more than `maxBytes` have arrived.
 */
export async function* requestItemTexts(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number, tooLarge: () => Error): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let bytes = 0;
  let phase = 'start' as Phase;
  let inString = false;
  let escaped = false;
  let key = '';
  let sawRequests = false;
  // Inside the requests array: the nesting depth within the current item and its text so far.
  let depth = 0;
  let item = '';
  let itemStarted = false;
  let itemCount = 0;
  const items: string[] = [];

  const scan = (text: string): void => {
    for (let index = 0; index < text.length; index++) {
      const char = text[index] as string;
      if (phase === 'items') {
        if (inString) {
          item += char;
          if (escaped) escaped = false;
          else if (char === '\\') escaped = true;
          else if (char === '"') inString = false;
          continue;
        }
        if (depth === 0 && (char === ',' || char === ']')) {
          if (itemStarted) {
            items.push(item);
            itemCount++;
          } else if (char === ',' || itemCount > 0) {
            throw notJson('an empty element in "requests"');
          }
          item = '';
          itemStarted = false;
          if (char === ']') phase = 'after-value';
          continue;
        }
        if (!itemStarted && WHITESPACE.test(char)) continue;
        itemStarted = true;
        item += char;
        if (char === '"') inString = true;
        else if (OPEN.has(char)) depth++;
        else if (CLOSE.has(char)) depth--;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') inString = false;
        else key += char;
        continue;
      }
      if (WHITESPACE.test(char)) continue;
      switch (phase) {
        case 'start':
          if (char !== '{') throw new AnthropicApiError(400, 'The request body must be a JSON object with "requests".');
          phase = 'key';
          break;
        case 'key':
          if (char === '}' && !sawRequests) throw new AnthropicApiError(400, 'requests: Field required');
          if (char !== '"') throw notJson(`unexpected "${char}" where a field name belongs`);
          inString = true;
          key = '';
          phase = 'colon';
          break;
        case 'colon':
          if (char !== ':') throw notJson(`expected ":" after "${key}"`);
          if (key !== 'requests') throw new AnthropicApiError(400, `${key}: Extra inputs are not permitted`);
          phase = 'value';
          break;
        case 'value':
          if (char !== '[') throw new AnthropicApiError(400, 'requests: Input should be a valid list');
          sawRequests = true;
          phase = 'items';
          break;
        case 'after-value':
          if (char === '}') phase = 'done';
          else if (char === ',') phase = 'key';
          else throw notJson(`unexpected "${char}" after "requests"`);
          break;
        case 'done':
          throw notJson(`unexpected "${char}" after the end of the body`);
      }
    }
  };

  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw tooLarge();
    scan(decoder.decode(chunk, { stream: true }));
    yield* items.splice(0);
  }
  scan(decoder.decode());
  yield* items.splice(0);
  if (phase !== 'done') throw phase === 'start' ? new AnthropicApiError(400, 'The request body must be a JSON object with "requests".') : notJson('the body ends early');
}
