/** @module Turns validation errors into a short repair note for a retry prompt. */
import type { ValidationIssue } from './validation-types.ts';

/**
 * A repair note quoting up to `max` errors (warnings are left out: they were already fixed), e.g.
 * `Your previous answer was not valid:\n- /year: must be integer, got "2019"\nAnswer again with JSON that matches
 * the schema.` Returns an empty string when there is no error.
 */
export function describeIssues(issues: readonly ValidationIssue[], max = 5): string {
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length === 0) return '';
  const shown = errors.slice(0, Math.max(1, max));
  const lines = ['Your previous answer was not valid:', ...shown.map((issue) => `- ${issue.message}`)];
  const hidden = errors.length - shown.length;
  if (hidden > 0) lines.push(`- ...and ${hidden} more error${hidden === 1 ? '' : 's'}`);
  lines.push('Answer again with JSON that matches the schema.');
  return lines.join('\n');
}
