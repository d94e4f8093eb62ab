/**
 * @module Validation problems grouped by kind: error issues whose messages differ only in the values quoted or the
 * array indexes in their paths are the same problem.
 */
import type { ProblemGroup } from './report-types.ts';

/**
 * The form of a validation message without its particular values: quoted values become `"…"`, array indexes in
 * JSON pointers `*`, and a reported number or item count `N`.
 *
 * @example
 * normaliseProblem('/findings/3/value: must be number, got "12 mg"'); // '/findings/*\/value: must be number, got "…"'
 */
export function normaliseProblem(message: string): string {
  return (
    message
      // A quoted value, and a preview cut short (`"abc...`) that never closes its quote.
      .replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)?|"(?:[^"\\]|\\.)*\.\.\.$/g, '"…"')
      .replace(/\/\d+(?=\/|:|\s|,|$)/g, '/*')
      .replace(/\bgot -?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, 'got N')
      .replace(/\b(an? (?:array|object) (?:of|with)) \d+ (items?|fields?)\b/g, (_, head: string, unit: string) =>
        `${head} N ${unit.endsWith('s') ? unit : `${unit}s`}`,
      )
  );
}

/** The error messages of one attempt's stored issues (a JSON array of ValidationIssue); anything else yields none. */
export function errorMessagesOf(issuesJson: string | null): string[] {
  if (issuesJson === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(issuesJson);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const messages: string[] = [];
  for (const issue of parsed as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { severity, message } = issue as { severity?: unknown; message?: unknown };
    if (severity === 'error' && typeof message === 'string') messages.push(message);
  }
  return messages;
}

/** Counts problems by their normalised form, keeping the first occurrence of each as its example. */
export class ProblemTally {
  readonly #groups = new Map<string, ProblemGroup>();

  add(message: string, where: { stage: string; key: string }): void {
    const problem = normaliseProblem(message);
    const group = this.#groups.get(problem);
    if (group) group.count += 1;
    else this.#groups.set(problem, { problem, count: 1, example: { message, stage: where.stage, key: where.key } });
  }

  /** Adds every group of `other`. */
  merge(other: ProblemTally): void {
    for (const group of other.#groups.values()) {
      const mine = this.#groups.get(group.problem);
      if (mine) mine.count += group.count;
      else this.#groups.set(group.problem, { ...group, example: { ...group.example } });
    }
  }

  /** How many messages were added, in all groups. */
  get count(): number {
    let total = 0;
    for (const group of this.#groups.values()) total += group.count;
    return total;
  }

  get kinds(): number {
    return this.#groups.size;
  }

  /** The `limit` most frequent groups, most frequent first, ties by problem text. */
  top(limit: number): ProblemGroup[] {
    return [...this.#groups.values()]
      .sort((a, b) => b.count - a.count || (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0))
      .slice(0, limit)
      .map((group) => ({ ...group, example: { ...group.example } }));
  }
}
