/**
 * @module The report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or images
 * from anywhere else, so it can be mailed or archived as a single file.
 */
import {
  costProblem, costText, type CostField, countText, durationText, estimateCoverage, noProblemsText, percentText, requestsInStages,
} from './format-values.ts';
import { agreementChart, costChart, outcomeChart } from './html-charts.ts';
import { REPORT_CSS } from './html-style.ts';
import { formatUsd } from '../cost/index.ts';
import { escapeHtml, htmlTable, type HtmlCell } from './html-text.ts';
import type { ActualCost, EstimatedCost, ReportFigures, RunReport, StageReport } from './report-types.ts';

function rowsOf(report: RunReport): { label: HtmlCell; name: string; figures: ReportFigures }[] {
  const rows: { label: HtmlCell; name: string; figures: ReportFigures }[] = report.stages.map((stage) => ({
    label: stage.stage,
    name: stage.stage,
    figures: stage,
  }));
  if (report.stages.length !== 1) rows.push({ label: { html: '<strong>all stages</strong>' }, name: 'all stages', figures: report.total });
  return rows;
}

/** A cost cell: the amount, or `unknown` / `no estimate` marked, with the reason as a tooltip. */
function costCell(cost: ActualCost | EstimatedCost, field: CostField): HtmlCell {
  const problem = costProblem(cost);
  if (problem === undefined) return costText(cost, field);
  return { html: `<span class="unknown-cost" title="${escapeHtml(problem)}">${escapeHtml(costText(cost, field))}</span>` };
}

function card(label: string, value: string, note: string, className = ''): string {
  return `<div class="card ${className}"><div class="label">${escapeHtml(label)}</div>` +
    `<div class="value">${value}</div><div class="note">${note}</div></div>`;
}

function cards(report: RunReport): string {
  const { requests, attempts, actual, estimated } = report.total;
  const money = (cost: ActualCost | EstimatedCost, field: 'batchUsd' | 'standardUsd' | 'savingUsd'): string => {
    const shown = costCell(cost, field);
    return typeof shown === 'object' ? shown.html : escapeHtml(shown);
  };
  // The full reason is in the value's tooltip and under the cost table; a card has room for a hint only.
  const problem = (cost: ActualCost | EstimatedCost): string =>
    cost.kind === 'unknown' ? 'a model has no price: see Cost' : escapeHtml(costProblem(cost) ?? '');
  const savingShare = actual.kind === 'priced' ? `${percentText(actual.savingUsd, actual.standardUsd)} less than interactive` : problem(actual);
  const coverage = estimateCoverage(estimated);
  return `<section class="cards" aria-label="Totals">
${card('Documents', escapeHtml(countText(report.total.documents)), `${escapeHtml(requestsInStages(report))} · ${escapeHtml(countText(requests.valid))} valid · ${escapeHtml(countText(requests.givenUp))} given up`)}
${card('Valid', escapeHtml(percentText(requests.valid, requests.total)), `${escapeHtml(countText(requests.inFlight))} in flight · ${escapeHtml(countText(requests.pending))} pending`)}
${card('Actual cost (batch)', money(actual, 'batchUsd'), actual.kind === 'priced' ? `${escapeHtml(countText(attempts.total))} attempts` : problem(actual))}
${card('Interactive equivalent', money(actual, 'standardUsd'), 'same tokens at standard prices')}
${card('Saving', money(actual, 'savingUsd'), savingShare, 'saving')}
${card('Estimated (batch)', money(estimated, 'batchUsd'), estimated.kind === 'priced' ? escapeHtml(coverage === undefined ? 'before submission' : `covers ${coverage}`) : problem(estimated))}
</section>`;
}

function outcomesTable(report: RunReport): string {
  return htmlTable('Requests (one per document per stage) by outcome, and attempts by verdict',
    ['stage', 'requests', 'valid', 'given up', 'in flight', 'pending', 'attempts', 'invalid attempts', 'failed attempts'],
    rowsOf(report).map(({ label, figures: { requests: r, attempts: a } }) => [label, countText(r.total), countText(r.valid),
      countText(r.givenUp), countText(r.inFlight), countText(r.pending), countText(a.total), countText(a.invalid), countText(a.failed)]));
}

function costSection(report: RunReport): string {
  const rows = rowsOf(report);
  const table = htmlTable('Estimated and actual cost; batch is what the batch API bills',
    ['stage', 'estimated (batch)', 'actual (batch)', 'interactive equivalent', 'saving'],
    rows.map(({ label, figures: { estimated, actual } }) => {
      const coverage = estimateCoverage(estimated);
      const estimate = costCell(estimated, 'batchUsd');
      return [label, coverage === undefined ? estimate : { html: `${escapeHtml(costText(estimated, 'batchUsd'))} <small>(${escapeHtml(coverage)})</small>` },
        costCell(actual, 'batchUsd'), costCell(actual, 'standardUsd'), costCell(actual, 'savingUsd')];
    }));
  // The total is unknown only because a stage is, so the stages' notes say it all.
  const notes = rows.slice(0, report.stages.length).flatMap(({ name, figures }) => [
    ...(figures.actual.kind === 'unknown' ? [`${name}: actual cost unknown — ${costProblem(figures.actual) ?? ''}`] : []),
    ...(figures.estimated.kind === 'unknown' ? [`${name}: estimate unknown — ${costProblem(figures.estimated) ?? ''}`] : []),
  ]);
  return notes.length === 0 ? table : `${table}\n<ul class="notes">${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`;
}

function tokensTable(report: RunReport): string {
  return htmlTable('Tokens the provider reported (prompt includes cached)', ['stage', 'prompt', 'of which cached', 'cache saving (batch)', 'output', 'thoughts'],
    rowsOf(report).map(({ label, figures: { tokens: t, actual } }) => [label, countText(t.prompt), countText(t.cached),
      t.cached === 0 ? '—' : costCell(actual, 'cacheSavingUsd'), countText(t.output), countText(t.thoughts)]));
}

function jobsTable(report: RunReport): string {
  return htmlTable('Batch jobs, and how long they took from submission to finish', ['stage', 'jobs', 'states', 'timed', 'min', 'median', 'max'],
    rowsOf(report).map(({ label, figures: { jobs } }) => {
      const d = jobs.durations;
      const states = Object.entries(jobs.byState).map(([state, count]) => `${state} ${count}`).join(', ') || '–';
      return [label, countText(jobs.total), states, countText(d?.count ?? 0), d ? durationText(d.minMs) : '–',
        d ? durationText(d.medianMs) : '–', d ? durationText(d.maxMs) : '–'];
    }), (column) => column > 0 && column !== 2);
}

function repairsSection(report: RunReport): string {
  const rows = report.stages.flatMap((stage) => stage.repairs.map((repair) => [stage.stage, repair.label, countText(repair.answers)]));
  if (rows.length === 0) return '<p>No answer needed a repair.</p>';
  const fields = report.stages.flatMap((stage) => stage.repairFields.map((field) =>
    [stage.stage, field.label, field.field === '' ? '(root)' : field.field, countText(field.attempts)]));
  return htmlTable('Answers that had to be repaired before they could be judged (one answer can have more than one repair)',
    ['stage', 'repair', 'answers'], rows, (column) => column === 2) +
    (fields.length === 0 ? '' : htmlTable('By field: aliases renamed, and rules broken in invalid answers',
      ['stage', 'what', 'field', 'attempts'], fields, (column) => column === 3));
}

function failuresSection(report: RunReport): string {
  const rows = report.stages.flatMap((stage) => stage.failureReasons.map((failure) =>
    [stage.stage, failure.label, countText(failure.attempts), countText(failure.resubmitted)]));
  if (rows.length === 0) return '<p>No attempt failed.</p>';
  return htmlTable('Failed and invalid attempts by reason, and how many were submitted again',
    ['stage', 'reason', 'attempts', 'resubmitted'], rows, (column) => column >= 2);
}

function retriesSection(report: RunReport): string {
  if (report.providerRetries.length === 0) return '<p>No provider call had to be retried.</p>';
  return htmlTable('Provider calls that failed transiently and were tried again (rate limits, server errors, dropped connections)',
    ['call', 'status', 'retries'], report.providerRetries.map((retry) => [retry.endpoint, retry.status, countText(retry.count)]),
    (column) => column === 2);
}

function problemsSection(stage: StageReport): string {
  const shown = stage.problems.length < stage.problemKinds ? `, the ${stage.problems.length} most frequent` : '';
  const caption = `${countText(stage.problemCount)} error(s) of ${countText(stage.problemKinds)} kind(s)${shown}`;
  return `<h3>${escapeHtml(stage.stage)}</h3>\n` + htmlTable(caption,
    ['count', 'problem', 'example'],
    stage.problems.map((group) => [countText(group.count), { html: `<code>${escapeHtml(group.problem)}</code>` },
      { html: `<code>${escapeHtml(group.example.message)}</code><br><small>in ${escapeHtml(group.example.key)}</small>` }]),
    (column) => column === 0);
}

function givenUpSection(stage: StageReport): string {
  const more = stage.requests.givenUp - stage.givenUpRequests.length;
  return `<h3>${escapeHtml(stage.stage)}</h3>\n` + htmlTable(`Requests of ${stage.stage} that ran out of attempts`,
    ['request', 'attempts', 'last reason'],
    [...stage.givenUpRequests.map((request) => [request.key, countText(request.attempts), request.reason]),
      ...(more > 0 ? [[`…and ${countText(more)} more`, '', '']] : [])],
    (column) => column === 1);
}

/** Each stage's latest audit (#19): a chart of agreement per field with intervals, and the figures behind it. */
function auditSection(report: RunReport): string {
  return report.audits
    .map((audit) => `<h3>${escapeHtml(audit.stage)}</h3>\n<p>${escapeHtml(
      `${countText(audit.calls)} document(s) sampled (seed ${audit.seed}), ${countText(audit.compared)} compared, ` +
        `${countText(audit.invalid)} invalid interactive answer(s), ${countText(audit.failed)} failed call(s); ${formatUsd(audit.costUsd)} paid at standard prices.`,
    )}</p>\n<figure><figcaption>Agreement per field, with 95% intervals</figcaption>\n${agreementChart(audit)}\n</figure>`)
    .join('\n');
}

/** The report as one self-contained HTML page. */
export function renderHtml(report: RunReport): string {
  const withProblems = report.stages.filter((stage) => stage.problems.length > 0);
  const withGivenUp = report.stages.filter((stage) => stage.givenUpRequests.length > 0);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>truebatch report — ${escapeHtml(report.project)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>truebatch report</h1>
<p>Project <code>${escapeHtml(report.project)}</code></p>
${report.generatedAt === undefined ? '' : `<p>Generated ${escapeHtml(report.generatedAt)}</p>\n`}<p>Prices as of ${escapeHtml(report.prices.asOf)} (${escapeHtml(report.prices.source)})</p>
</header>
${cards(report)}
<h2>Charts</h2>
<div class="charts">
<figure><figcaption>Actual cost per stage</figcaption>
${costChart(report.stages)}
</figure>
<figure><figcaption>Documents by outcome</figcaption>
${outcomeChart(report.stages)}
</figure>
</div>
<h2>Outcomes</h2>
${outcomesTable(report)}
<h2>Cost</h2>
${costSection(report)}
<h2>Tokens</h2>
${tokensTable(report)}
<h2>Jobs</h2>
${jobsTable(report)}
<h2>Repairs</h2>
${repairsSection(report)}
<h2>Why attempts failed</h2>
${failuresSection(report)}
<h2>Top validation problems</h2>
${withProblems.length === 0 ? `<p>${escapeHtml(noProblemsText(report.total))}</p>` : withProblems.map(problemsSection).join('\n')}
<h2>Provider retries</h2>
${retriesSection(report)}
${report.audits.length === 0 ? '' : `<h2>Audit (batch vs interactive answers)</h2>\n${auditSection(report)}`}
${withGivenUp.length === 0 ? '' : `<h2>Given up</h2>\n${withGivenUp.map(givenUpSection).join('\n')}`}
<footer>Made by truebatch from the project's ledger (.truebatch/ledger.db).</footer>
</main>
</body>
</html>
`;
}
