import { describe, expect, it } from 'vitest';
import { describeMissingPlaceholder, groupDocumentProblems, problemsNotExplainedBy } from './missing-placeholders.ts';
import { missingFieldsReason } from './prompt-template.ts';

const lacking = (id: string, missing: string[], fields = ['id', 'title', 'abstract']): { path: string; reason: string } => ({
  path: `${id}.json`,
  reason: `document ${id}: ${missingFieldsReason(missing, fields)}`,
});

describe('groupDocumentProblems', () => {
  it('says a placeholder every document lacks once, with a did-you-mean and the fields the documents have', () => {
    const invalid = Array.from({ length: 30 }, (_, i) => lacking(`p${i}`, ['titel']));
    const grouped = groupDocumentProblems({ stage: 's1', documents: 30, template: 'prompts/x.md', invalid });
    expect(grouped.others).toEqual([]);
    expect(grouped.missingPlaceholders).toEqual([
      { stage: 's1', placeholder: 'titel', missingFrom: 30, documents: 30, template: 'prompts/x.md', suggestion: 'title', fields: ['id', 'title', 'abstract'] },
    ]);
    expect(describeMissingPlaceholder(grouped.missingPlaceholders[0]!)).toBe(
      'placeholder {{titel}} is missing from all 30 documents of stage s1 (prompts/x.md): the template is probably wrong; ' +
        'did you mean {{title}}? The documents have: id, title, abstract',
    );
  });

  it('lists only documents whose problem differs: another missing field, or another reason altogether', () => {
    const invalid = [
      ...Array.from({ length: 8 }, (_, i) => lacking(`p${i}`, ['titel'])),
      lacking('p8', ['titel', 'year']),
      { path: 'scan.pdf', reason: 'binary file (NUL byte at offset 398)' },
    ];
    const grouped = groupDocumentProblems({ stage: 's1', documents: 10, template: undefined, invalid });
    expect(grouped.missingPlaceholders.map((finding) => [finding.placeholder, finding.missingFrom])).toEqual([['titel', 9]]);
    expect(grouped.others.map((problem) => problem.path)).toEqual(['p8.json', 'scan.pdf']);
    expect(describeMissingPlaceholder(grouped.missingPlaceholders[0]!)).toMatch(/^placeholder \{\{titel\}\} is missing from 9 of 10 documents of stage s1: /);
  });

  it('keeps per-document reasons when few documents lack a field (under 80%, or a single document)', () => {
    const some = [lacking('p1', ['year']), lacking('p2', ['year'])];
    expect(groupDocumentProblems({ stage: 's', documents: 3, template: undefined, invalid: some }).missingPlaceholders).toEqual([]);
    const one = [lacking('p1', ['year'])];
    const grouped = groupDocumentProblems({ stage: 's', documents: 1, template: undefined, invalid: one });
    expect(grouped).toEqual({ missingPlaceholders: [], others: one });
  });

  it('offers no guess when no field is close, and names the fields the documents have, the most common first', () => {
    const invalid = [lacking('a', ['summary'], ['body', 'year']), lacking('b', ['summary'], ['year'])];
    const [finding] = groupDocumentProblems({ stage: 's', documents: 2, template: undefined, invalid }).missingPlaceholders;
    expect(finding?.suggestion).toBeUndefined();
    expect(describeMissingPlaceholder(finding!)).toBe(
      'placeholder {{summary}} is missing from all 2 documents of stage s: the template is probably wrong. The documents have: year, body',
    );
  });

  it('problemsNotExplainedBy keeps problems the placeholders do not explain alone', () => {
    const problems = [lacking('a', ['x']), lacking('b', ['x', 'y']), { path: 'c', reason: 'empty file (0 bytes)' }];
    expect(problemsNotExplainedBy(problems, [{ placeholder: 'x' }]).map((p) => p.path)).toEqual(['b.json', 'c']);
  });
});
