/**
 * @module Success rates: per stage, attempts over time by outcome (valid first try, valid after repair, retried,
 * given up), and failures grouped by reason; a group opens its keys (fetched by htmx, a page at a time).
 */
import { html } from 'hono/html';
import { FAILURE_LABELS, type FailureKind, type OutcomeBucket } from '../../ledger/index.ts';
import { countText, durationText } from '../../report/index.ts';
import { PAGE_SIZE, type DashboardContext } from '../context.ts';
import { chart, documentLink, page, type Html } from '../html.ts';

const SERIES = [
  ['firstTry', 'valid first try'],
  ['afterRepair', 'valid after repair'],
  ['retried', 'retried'],
  ['givenUp', 'given up'],
] as const;

/** About 24 buckets over the stage's history, on a whole second, minute or hour. */
export function bucketSize(spanMs: number): number {
  const raw = Math.max(1000, spanMs / 24);
  const unit = raw >= 3_600_000 ? 3_600_000 : raw >= 60_000 ? 60_000 : 1000;
  return Math.ceil(raw / unit) * unit;
}

function outcomeChart(stage: string, buckets: readonly OutcomeBucket[], bucketMs: number): Html {
  const table = html`<table><thead><tr><th>From</th>${SERIES.map(([, label]) => html`<th class="num">${label}</th>`)}</tr></thead>
  <tbody>${buckets.map((bucket) => html`<tr><td>${new Date(bucket.at).toISOString()}</td>${SERIES.map(([field]) => html`<td class="num">${bucket[field]}</td>`)}</tr>`)}</tbody></table>`;
  return chart(
    `${stage}: attempts finished per ${durationText(bucketMs)}`,
    {
      xLabel: 'time', yLabel: 'attempts', time: true, series: SERIES.map(([, label]) => label),
      x: buckets.map((bucket) => bucket.at / 1000), ys: SERIES.map(([field]) => buckets.map((bucket) => bucket[field])),
    },
    table,
  );
}

function stageSection(context: DashboardContext, stage: string): Html {
  const { dashboard, outcomes } = context.ledger;
  const span = dashboard.attemptSpan(stage);
  const bucketMs = bucketSize(span === undefined ? 0 : span.last - span.first);
  const buckets = span === undefined ? [] : dashboard.outcomeBuckets(stage, bucketMs);
  const totals = SERIES.map(([field, label]) => [label, buckets.reduce((sum, bucket) => sum + bucket[field], 0)] as const);
  const failures = outcomes.failureCounts(stage);
  return html`<section aria-labelledby="stage-${stage}"><h2 id="stage-${stage}">${stage}</h2>
  <p>${totals.map(([label, n], i) => html`${i > 0 ? ' · ' : ''}${label}: <strong>${countText(n)}</strong>`)}</p>
  ${buckets.length === 0 ? html`<p class="empty">No attempt finished yet.</p>` : outcomeChart(stage, buckets, bucketMs)}
  <h3>Failures by reason</h3>
  ${failures.length === 0 ? html`<p class="empty">No failed or invalid attempt.</p>` : html`<ul class="failures">${failures.map(
    (failure) => html`<li><button class="link" type="button" hx-get="/failures?stage=${encodeURIComponent(stage)}&amp;kind=${encodeURIComponent(failure.kind)}"
      hx-target="#keys-${stage}-${failure.kind}" aria-controls="keys-${stage}-${failure.kind}">${FAILURE_LABELS[failure.kind]}</button>
      <span class="muted">(${failure.kind})</span>: ${countText(failure.attempts)} attempts, ${countText(failure.resubmitted)} tried again
      <div id="keys-${stage}-${failure.kind}" aria-live="polite"></div></li>`,
  )}</ul>`}
</section>`;
}

/** The keys behind one failure group, a page at a time. */
export function failureKeysFragment(context: DashboardContext, stage: string, kind: string, pageNo: number): Html {
  const rows = context.ledger.dashboard.failureKeys(stage, kind, PAGE_SIZE + 1, (pageNo - 1) * PAGE_SIZE);
  const label = FAILURE_LABELS[kind as FailureKind] ?? kind;
  if (rows.length === 0) return html`<p class="empty">No attempt of ${stage} failed as ${label}.</p>`;
  const more = rows.length > PAGE_SIZE;
  const next = `/failures?${new URLSearchParams({ stage, kind, page: String(pageNo + 1) }).toString()}`;
  return html`<table class="failure-keys"><caption class="muted">${label}: keys</caption>
  <thead><tr><th>Key</th><th class="num">Attempt</th><th>Reason</th></tr></thead>
  <tbody>${rows.slice(0, PAGE_SIZE).map((row) => html`<tr><td>${documentLink(stage, row.key)}</td><td class="num">${row.attemptNo}</td><td>${row.reason ?? ''}</td></tr>`)}</tbody></table>
  ${more ? html`<button class="link" type="button" hx-get="${next}" hx-swap="outerHTML">more keys</button>` : ''}`;
}

/** The Success rates page. */
export function successPage(context: DashboardContext): Html {
  const stages = context.ledger.report.stages();
  const body = stages.length === 0 ? html`<p class="empty">No request yet.</p>` : html`${stages.map((stage) => stageSection(context, stage))}`;
  return page({ title: 'Success rates', current: '/success', project: context.config.projectDir, body });
}
