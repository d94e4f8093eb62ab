/** @module JSON pointers and short value previews for issue messages. */

/** Appends one segment to a JSON pointer, escaping `~` and `/` as RFC 6901 says. */
export function appendPointer(pointer: string, segment: string | number): string {
  const text = String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
  return `${pointer}/${text}`;
}

/** How a pointer is shown at the start of a message: the whole value is `(root)`. */
export function showPointer(pointer: string): string {
  return pointer === '' ? '(root)' : pointer;
}

/** The value at a JSON pointer (`undefined` when absent). */
export function valueAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A short JSON rendering of a value for a message, e.g. `"2019"`, `array`, `{"a":1,...`. */
export function previewValue(value: unknown, maxLength = 60): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length <= maxLength ? json : `${json.slice(0, maxLength - 3)}...`;
}

/** A value's JSON type name, e.g. `array`, `null`, `object`. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
