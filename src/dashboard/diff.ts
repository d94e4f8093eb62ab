/** @module A line diff of two short texts (a document's answers), for showing what changed between attempts. */

/** One line of a diff: kept, removed from the first text, or added in the second. */
export interface DiffLine {
  kind: 'same' | 'del' | 'add';
  text: string;
}

/** Longest-common-subsequence tables grow with the product of the line counts: past this, lines are compared as they stand. */
const MAX_CELLS = 4_000_000;

/** The lines of `before` and `after` as removed, added and kept (longest common subsequence). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((text): DiffLine => ({ kind: 'del', text })), ...b.map((text): DiffLine => ({ kind: 'add', text }))];
  }
  // lengths[i][j]: the LCS length of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j]
        ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
        : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i++] ?? '' });
      j++;
    } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
      lines.push({ kind: 'del', text: a[i++] ?? '' });
    } else {
      lines.push({ kind: 'add', text: b[j++] ?? '' });
    }
  }
  while (i < a.length) lines.push({ kind: 'del', text: a[i++] ?? '' });
  while (j < b.length) lines.push({ kind: 'add', text: b[j++] ?? '' });
  return lines;
}
