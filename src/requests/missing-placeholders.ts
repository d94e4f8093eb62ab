/**
 * @module Problems that generalise: a placeholder that (nearly) every document of a stage lacks says the template
 * is wrong, not the documents. Such a placeholder is reported once per stage, with the fields the documents do have
 * and a "did you mean"; only documents with some other problem are still listed one by one.
 */
import { suggestKey } from '../config/index.ts';
import { parseMissingFields } from './prompt-template.ts';

/** A placeholder that most documents of a stage lack. */
export interface MissingPlaceholder {
  stage: string;
  placeholder: string;
  /** How many of the stage's documents lack it. */
  missingFrom: number;
  /** How many documents the stage has (valid ones plus invalid ones). */
  documents: number;
  /** The prompt template file, as shown to the user, when the template came from a file. */
  template: string | undefined;
  /** The closest field the documents have, when one is a plausible typo of the placeholder. */
  suggestion: string | undefined;
  /** The documents' top-level fields, the most common first. */
  fields: string[];
}

/** A document's problem, as planning and the ledger record it. */
export interface DocumentProblem {
  path: string;
  reason: string;
}

/** A stage's invalid documents, grouped: placeholders said once, and the documents whose problem is another. */
export interface GroupedProblems {
  missingPlaceholders: MissingPlaceholder[];
  /** Invalid documents not explained by {@link GroupedProblems.missingPlaceholders} alone, in their order. */
  others: DocumentProblem[];
}

/** A placeholder is the template's fault when at least this share of the documents lack it (and at least two). */
const TEMPLATE_FAULT_SHARE = 0.8;
const TEMPLATE_FAULT_MIN_DOCUMENTS = 2;
/** The most fields named in the message. */
const MAX_FIELDS_SHOWN = 12;

/**
 * Groups a stage's invalid documents. `documents` is how many documents the stage has in all (valid and invalid).
 * @example
 * groupDocumentProblems({ stage: 's1', documents: 30, template: 'prompts/x.md', invalid })
 * // { missingPlaceholders: [{ placeholder: 'titel', missingFrom: 30, suggestion: 'title', … }], others: [] }
 */
export function groupDocumentProblems(input: {
  stage: string;
  documents: number;
  template: string | undefined;
  invalid: readonly DocumentProblem[];
}): GroupedProblems {
  const parsed = input.invalid.map((problem) => ({ problem, fields: parseMissingFields(problem.reason) }));
  const lacking = new Map<string, { count: number; fieldCounts: Map<string, number> }>();
  for (const { fields } of parsed) {
    if (!fields) continue;
    for (const placeholder of fields.missing) {
      let entry = lacking.get(placeholder);
      if (!entry) lacking.set(placeholder, (entry = { count: 0, fieldCounts: new Map() }));
      entry.count++;
      for (const field of fields.fields) entry.fieldCounts.set(field, (entry.fieldCounts.get(field) ?? 0) + 1);
    }
  }
  const missingPlaceholders: MissingPlaceholder[] = [];
  for (const [placeholder, { count, fieldCounts }] of lacking) {
    if (count < TEMPLATE_FAULT_MIN_DOCUMENTS || count < TEMPLATE_FAULT_SHARE * input.documents) continue;
    const fields = [...fieldCounts].sort((a, b) => b[1] - a[1]).map(([field]) => field);
    missingPlaceholders.push({
      stage: input.stage,
      placeholder,
      missingFrom: count,
      documents: Math.max(input.documents, count),
      template: input.template,
      suggestion: suggestKey(placeholder, fields),
      fields,
    });
  }
  return { missingPlaceholders, others: problemsNotExplainedBy(input.invalid, missingPlaceholders) };
}

/** The problems that `placeholders` (found by {@link groupDocumentProblems}) do not explain alone, in order. */
export function problemsNotExplainedBy<T extends DocumentProblem>(
  problems: readonly T[],
  placeholders: readonly Pick<MissingPlaceholder, 'placeholder'>[],
): T[] {
  const explained = new Set(placeholders.map((finding) => finding.placeholder));
  return problems.filter((problem) => {
    const fields = parseMissingFields(problem.reason);
    return !fields || fields.missing.some((placeholder) => !explained.has(placeholder));
  });
}

/**
 * One line for a placeholder most documents lack, e.g. "placeholder {{titel}} is missing from all 30 documents of
 * stage s1 (prompts/x.md): the template is probably wrong; did you mean {{title}}? The documents have: id, title, …".
 */
export function describeMissingPlaceholder(finding: MissingPlaceholder): string {
  const { placeholder, missingFrom, documents } = finding;
  const share = missingFrom === documents ? `all ${documents} documents` : `${missingFrom} of ${documents} documents`;
  const where = finding.template === undefined ? '' : ` (${finding.template})`;
  const guess = finding.suggestion === undefined ? '' : `; did you mean {{${finding.suggestion}}}?`;
  const shown = finding.fields.slice(0, MAX_FIELDS_SHOWN).join(', ') + (finding.fields.length > MAX_FIELDS_SHOWN ? ', …' : '');
  const have = finding.fields.length === 0 ? 'The documents have no fields' : `The documents have: ${shown}`;
  return `placeholder {{${placeholder}}} is missing from ${share} of stage ${finding.stage}${where}: the template is probably wrong${guess}${guess === '' ? '. ' : ' '}${have}`;
}
