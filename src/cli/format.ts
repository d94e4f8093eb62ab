/** @module Plain-text tables for the terminal. */
import type { JobRow } from '../ledger/index.ts';
import type { StageSummary } from '../engine/index.ts';
import { describeMissingPlaceholder, problemsNotExplainedBy } from '../requests/index.ts';
import { formatRunExplanation } from './format-outcome.ts';

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) => row.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join('  ').trimEnd())
    .join('\n');
}

/**
 * The per-stage summary table; then each stage's output folder, cost, repairs and retries; then given-up requests
 * and corpus problems.
 */
export function formatStageSummaries(summaries: readonly StageSummary[]): string {
  const rows: (string | number)[][] = [
    ['stage', 'requests', 'valid', 'cached', 'in flight', 'pending', 'waiting upstream', 'given up', 'invalid docs', 'excluded', 'jobs', 'attempts', 'tokens in/out'],
  ];
  for (const s of summaries) {
    rows.push([
      s.stage, s.requests, s.valid, s.cached, s.inJob, s.pending, s.waitingOnUpstream, s.givenUp, s.invalidDocuments, s.excluded, s.jobs.total,
      s.attempts, `${s.tokens.prompt}/${s.tokens.output + s.tokens.thoughts}`,
    ]);
  }
  const parts = [table(rows), '', formatRunExplanation(summaries)];
  for (const s of summaries) {
    if (s.givenUpRequests.length > 0) {
      parts.push(`\n${s.stage}: ${s.givenUpRequests.length} given up:`);
      for (const request of s.givenUpRequests) {
        parts.push(`  ${request.key} after ${request.attempts} attempt(s): ${request.reason}`);
      }
    }
    if (s.blockedByUpstream > 0) {
      parts.push(`\n${s.stage}: ${s.blockedByUpstream} document(s) never entered: their upstream request was given up`);
    }
    for (const [kind, heading] of [['invalid', 'invalid document(s), not submitted'], ['excluded', 'excluded']] as const) {
      const issues = s.corpusIssues.filter((issue) => issue.kind === kind);
      if (issues.length === 0) continue;
      parts.push(`\n${s.stage}: ${issues.length} ${heading}:`);
      // A placeholder most documents lack is said once; only documents with another problem are listed.
      if (kind === 'invalid') for (const finding of s.missingPlaceholders) parts.push(`  ${describeMissingPlaceholder(finding)}`);
      const listed = kind === 'invalid' ? problemsNotExplainedBy(issues, s.missingPlaceholders) : issues;
      for (const issue of listed) parts.push(`  ${issue.path}: ${issue.reason}`);
    }
  }
  return parts.join('\n');
}

/** Requests done, or `?` while the provider has not reported counts (Anthropic reports them only at the end). */
export function doneText(job: Pick<JobRow, 'state' | 'request_count' | 'counts_reported' | 'succeeded_count' | 'failed_count'>): string {
  if (job.state === 'collected') return String(job.request_count);
  return job.counts_reported === 1 ? String(job.succeeded_count + job.failed_count) : '?';
}
