/** @module The report as GitHub-flavoured Markdown: an overview, then tables per stage. */
import {
  costProblem,
  costText,
  countText,
  durationText,
  estimateCoverage,
  noProblemsText,
  percentText,
  requestsInStages,
} from './format-values.ts';
import type { ReportFigures, RunReport, StageReport } from './report-types.ts';
import { formatUsd } from '../cost/index.ts';

/** Text for a table cell: one line, Markdown punctuation escaped. */
function cell(text: string | number): string {
  return String(text)
    .replace(/\s+/g, ' ')
    .replace(/[\\`*[\]<>|]/g, (char) => `\\${char}`)
    // `_` inside a word (stage and key names) never starts emphasis in GFM, so it stays readable.
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/** Text as inline code in a table cell (a pipe still needs its backslash there). */
function code(text: string): string {
  const longestTicks = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestTicks + 1);
  const body = text.replace(/\s+/g, ' ').replaceAll('|', '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A table whose columns `isNumeric` names are right-aligned (by default all but the first). */
function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  isNumeric: (column: number) => boolean = (column) => column > 0,
): string {
  const align = header.map((_, i) => (isNumeric(i) ? '---:' : '---'));
  return [header, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** The stages, and a total row when there is more than one stage. */
function rowsOf(report: RunReport): { label: string; figures: ReportFigures }[] {
  const rows: { label: string; figures: ReportFigures }[] = report.stages.map((stage) => ({ label: cell(stage.stage), figures: stage }));
  if (report.stages.length !== 1) rows.push({ label: '**all stages**', figures: report.total });
  return rows;
}

function overview(report: RunReport): string {
  const { requests, actual, estimated, documents } = report.total;
  const lines = [
    `- **Documents:** ${countText(documents)}, as ${requestsInStages(report)} — ${countText(requests.valid)} valid ` +
      `(${percentText(requests.valid, requests.total)}), ${countText(requests.givenUp)} given up, ` +
      `${countText(requests.inFlight)} in flight, ${countText(requests.pending)} pending`,
    actual.kind === 'priced'
      ? `- **Actual cost (batch):** ${costText(actual, 'batchUsd')} — interactive equivalent ${costText(actual, 'standardUsd')}, ` +
        `saving ${costText(actual, 'savingUsd')}`
      : `- **Actual cost (batch):** unknown — ${cell(costProblem(actual) ?? '')}`,
    estimated.kind === 'priced'
      ? `- **Estimated cost (batch):** ${costText(estimated, 'batchUsd')}` +
        (estimateCoverage(estimated) === undefined ? '' : ` (covers ${estimateCoverage(estimated) ?? ''})`)
      : `- **Estimated cost (batch):** ${costText(estimated, 'batchUsd')} — ${cell(costProblem(estimated) ?? '')}`,
  ];
  const { searchFee } = report.total;
  if (searchFee !== undefined) {
    lines.push(`- **Web search fee:** up to ${formatUsd(searchFee.usd)} for ${countText(searchFee.answers)} grounded answer(s), billed per request that searched (not in the actual cost)`);
  }
  return lines.join('\n');
}

function outcomesTable(report: RunReport): string {
  return markdownTable(
    ['stage', 'requests', 'valid', 'given up', 'in flight', 'pending', 'attempts', 'invalid attempts', 'failed attempts'],
    rowsOf(report).map(({ label, figures: { requests: r, attempts: a } }) => [
      label, countText(r.total), countText(r.valid), countText(r.givenUp), countText(r.inFlight), countText(r.pending),
      countText(a.total), countText(a.invalid), countText(a.failed),
    ]),
  );
}

function costSection(report: RunReport): string {
  const rows = rowsOf(report);
  const table = markdownTable(
    ['stage', 'estimated (batch)', 'actual (batch)', 'interactive equivalent', 'saving'],
    rows.map(({ label, figures: { estimated, actual } }) => {
      const coverage = estimateCoverage(estimated);
      return [label, costText(estimated, 'batchUsd') + (coverage === undefined ? '' : ` (${coverage})`),
        costText(actual, 'batchUsd'), costText(actual, 'standardUsd'), costText(actual, 'savingUsd')];
    }),
  );
  const notes: string[] = [];
  // The total is unknown only because a stage is, so the stages' notes say it all.
  for (const { label, figures } of rows.slice(0, report.stages.length)) {
    const actualProblem = costProblem(figures.actual);
    if (actualProblem !== undefined) notes.push(`- ${label}: actual cost unknown — ${cell(actualProblem)}`);
    if (figures.estimated.kind === 'unknown') notes.push(`- ${label}: estimate unknown — ${cell(costProblem(figures.estimated) ?? '')}`);
  }
  return notes.length === 0 ? table : `${table}\n\n${notes.join('\n')}`;
}

function tokensTable(report: RunReport): string {
  return markdownTable(
    ['stage', 'prompt', 'of which cached', 'cache saving (batch)', 'output', 'thoughts'],
    rowsOf(report).map(({ label, figures: { tokens, actual } }) => [
      label, countText(tokens.prompt), countText(tokens.cached),
      tokens.cached === 0 ? '—' : costText(actual, 'cacheSavingUsd'), countText(tokens.output),
      countText(tokens.thoughts),
    ]),
  );
}

function jobsTable(report: RunReport): string {
  return markdownTable(
    ['stage', 'jobs', 'states', 'timed', 'min', 'median', 'max'],
    rowsOf(report).map(({ label, figures: { jobs } }) => {
      const states = Object.entries(jobs.byState).map(([state, count]) => `${state} ${count}`).join(', ');
      const d = jobs.durations;
      return [label, countText(jobs.total), cell(states || '–'), countText(d?.count ?? 0),
        d ? durationText(d.minMs) : '–', d ? durationText(d.medianMs) : '–', d ? durationText(d.maxMs) : '–'];
    }),
    (column) => column > 0 && column !== 2,
  );
}

function repairsSection(report: RunReport): string {
  const rows = report.stages.flatMap((stage) => stage.repairs.map((repair) => [cell(stage.stage), cell(repair.label), countText(repair.answers)]));
  if (rows.length === 0) return 'No answer needed a repair.';
  const fields = report.stages.flatMap((stage) => stage.repairFields.map((field) =>
    [cell(stage.stage), cell(field.label), cell(field.field === '' ? '(root)' : field.field), countText(field.attempts)]));
  return `Answers that had to be repaired before they could be judged (one answer can have more than one repair).\n\n` +
    markdownTable(['stage', 'repair', 'answers'], rows, (column) => column === 2) +
    (fields.length === 0 ? '' : `\n\nBy field: aliases renamed, and rules broken in invalid answers.\n\n` +
      markdownTable(['stage', 'what', 'field', 'attempts'], fields, (column) => column === 3));
}

function retriesSection(report: RunReport): string {
  if (report.providerRetries.length === 0) return 'No provider call had to be retried.';
  return 'Provider calls that failed transiently and were tried again (rate limits, server errors, dropped connections).\n\n' +
    markdownTable(['call', 'status', 'retries'], report.providerRetries.map((retry) => [cell(retry.endpoint), cell(retry.status), countText(retry.count)]),
      (column) => column === 2);
}

function failuresSection(report: RunReport): string {
  const rows = report.stages.flatMap((stage) => stage.failureReasons.map((failure) =>
    [cell(stage.stage), cell(failure.label), countText(failure.attempts), countText(failure.resubmitted)]));
  if (rows.length === 0) return 'No attempt failed.';
  return markdownTable(['stage', 'reason', 'attempts', 'resubmitted'], rows, (column) => column >= 2);
}

function problemsSection(stage: StageReport): string | undefined {
  if (stage.problems.length === 0) return undefined;
  const shown = stage.problems.length < stage.problemKinds ? ` (top ${stage.problems.length})` : '';
  const table = markdownTable(
    ['count', 'problem', 'example'],
    stage.problems.map((group) => [countText(group.count), code(group.problem), `${code(group.example.message)} in ${cell(group.example.key)}`]),
    (column) => column === 0,
  );
  const summary = `${countText(stage.problemCount)} error(s) of ${countText(stage.problemKinds)} kind(s).`;
  return `### ${cell(stage.stage)}${shown}\n\n${summary}\n\n${table}`;
}

function givenUpSection(stage: StageReport): string | undefined {
  if (stage.givenUpRequests.length === 0) return undefined;
  const more = stage.requests.givenUp - stage.givenUpRequests.length;
  const lines = stage.givenUpRequests.map(
    (request) => `- ${cell(request.key)} after ${request.attempts} attempt(s): ${cell(request.reason)}`,
  );
  if (more > 0) lines.push(`- …and ${countText(more)} more`);
  return `### ${cell(stage.stage)}\n\n${lines.join('\n')}`;
}

/** Each stage's latest audit: per-field agreement of batch and interactive answers, with 95% intervals (#19). */
function auditSection(report: RunReport): string {
  return report.audits
    .map((audit) => {
      const interval = (rate: { rate: number; interval: { low: number; high: number } }): string =>
        `${percentOf(rate.rate)} (${percentOf(rate.interval.low)}–${percentOf(rate.interval.high)})`;
      const rows = audit.fields.map((field) => [code(field.path === '' ? '(answer)' : field.path), cell(field.kind), `${field.agree}/${field.n}`, interval(field)]);
      rows.push(['whole document', '', `${audit.overall.agree}/${audit.overall.n}`, interval(audit.overall)]);
      const summary =
        `${countText(audit.calls)} document(s) sampled (seed ${audit.seed}), ${countText(audit.compared)} compared, ` +
        `${countText(audit.invalid)} invalid interactive answer(s), ${countText(audit.failed)} failed call(s); ${formatUsd(audit.costUsd)} paid at standard prices.`;
      return `### ${cell(audit.stage)}\n\n${summary}\n\n${markdownTable(['field', 'kind', 'agree', 'agreement (95% interval)'], rows, (column) => column >= 2)}`;
    })
    .join('\n\n');
}

function percentOf(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** The report as Markdown. */
export function renderMarkdown(report: RunReport): string {
  const header = [
    '# truebatch report',
    '',
    `Project: ${code(report.project)}  `,
    ...(report.generatedAt === undefined ? [] : [`Generated: ${report.generatedAt}  `]),
    `Prices: as of ${report.prices.asOf} (${report.prices.source}); batch costs are what the batch API bills, ` +
      'the interactive equivalent is the same tokens at standard prices.',
  ].join('\n');
  const sections = [
    header,
    `## Overview\n\n${overview(report)}`,
    `## Outcomes\n\n${outcomesTable(report)}`,
    `## Cost\n\n${costSection(report)}`,
    `## Tokens\n\n${tokensTable(report)}`,
    `## Jobs (submitted → finished)\n\n${jobsTable(report)}`,
  ];
  sections.push(`## Repairs\n\n${repairsSection(report)}`, `## Why attempts failed\n\n${failuresSection(report)}`);
  const problems = report.stages.map(problemsSection).filter((text) => text !== undefined);
  sections.push(`## Top validation problems\n\n${problems.length === 0 ? noProblemsText(report.total) : problems.join('\n\n')}`);
  sections.push(`## Provider retries\n\n${retriesSection(report)}`);
  if (report.audits.length > 0) sections.push(`## Audit (batch vs interactive answers)\n\n${auditSection(report)}`);
  const givenUp = report.stages.map(givenUpSection).filter((text) => text !== undefined);
  if (givenUp.length > 0) sections.push(`## Given up\n\n${givenUp.join('\n\n')}`);
  return `${sections.join('\n\n')}\n`;
}
