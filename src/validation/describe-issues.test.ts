import { describe, expect, it } from 'vitest';
import { describeIssues } from './describe-issues.ts';
import type { ValidationIssue } from './validation-types.ts';

function error(message: string): ValidationIssue {
  return { severity: 'error', code: 'schema', path: '/x', message };
}

describe('describeIssues', () => {
  it('quotes the errors and asks for a corrected answer, leaving warnings out', () => {
    const note = describeIssues([
      { severity: 'warning', code: 'alias', path: '/a', message: '/b: renamed to a' },
      error('/paper_metadata/year: must be integer, got "2019"'),
    ]);
    expect(note).toBe(
      'Your previous answer was not valid:\n' +
        '- /paper_metadata/year: must be integer, got "2019"\n' +
        'Answer again with JSON that matches the schema.',
    );
  });

  it('shows at most max errors and counts the rest', () => {
    const issues = Array.from({ length: 8 }, (_, i) => error(`/f${i}: is required but missing`));
    const note = describeIssues(issues, 3);
    expect(note).toContain('- /f2: is required but missing');
    expect(note).not.toContain('/f3');
    expect(note).toContain('- ...and 5 more errors');
  });

  it('is empty when there is no error', () => {
    expect(describeIssues([])).toBe('');
    expect(describeIssues([{ severity: 'warning', code: 'alias', path: '', message: 'w' }])).toBe('');
  });
});
