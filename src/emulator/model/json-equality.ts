/**
 * @module Recognising a request part equal to the previous line's. Every line of a batch usually carries the same
 * generation config and schema: a walk over its members costs less than validating or writing it again.
 */

/**
 * Whether two JSON values are the same, member order included, with `Object.is` for numbers: true only when their
 * JSON texts are equal and so is everything derived from them. Anything but plain data compares unequal.
 */
export function sameJson(left: unknown, right: unknown): boolean {
  if (typeof left !== 'object' || left === null || typeof right !== 'object' || right === null) return Object.is(left, right);
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    for (let index = 0; index < left.length; index++) if (!sameJson(left[index], right[index])) return false;
    return true;
  }
  if (Array.isArray(right) || Object.getPrototypeOf(left) !== Object.prototype || Object.getPrototypeOf(right) !== Object.prototype) return false;
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  for (let index = 0; index < leftKeys.length; index++) {
    const key = leftKeys[index] as string;
    if (key !== rightKeys[index]) return false;
    if (!sameJson((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * `compute` remembering its last input (a private copy, so nothing can change it) and result: an input that is
 * {@link sameJson} to the last one gets the same result without computing it again. `compute` must be a pure
 * function of its input's JSON; a throw is not remembered.
 */
export function rememberLast<T>(compute: (value: unknown) => T): (value: unknown) => T {
  let last: { value: unknown; result: T } | undefined;
  return (value) => {
    if (last !== undefined && sameJson(value, last.value)) return last.result;
    const result = compute(value);
    try {
      last = { value: structuredClone(value), result };
    } catch {
      last = undefined; // not plain data (a request from JSON always is): simply not remembered
    }
    return result;
  };
}
