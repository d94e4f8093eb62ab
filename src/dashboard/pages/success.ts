/**
 * @module Success rates: per stage, attempts over time by outcome (valid first try, valid after repair, retried,
 * given up), and failures grouped by reason; a group opens its keys (fetched by htmx, a page at a time).
 */
import { html } from 'hono/html';
import { FAILURE_LABELS, type FailureKind } from '../../ledger/index.ts';
import { countText, durationText } from '../../report/index.ts';
import { PAGE_SIZE, type DashboardContext } from '../context.ts';
import { chart, documentLink, page, type Html } from '../html.ts';

const SERIES = [
  ['firstTry', 'valid first try'],
  ['afterRepair', 'valid after repair or retry'],
  ['retried', 'retried'],
  ['givenUp', 'given up'],
] as const;

/** Attempts of a stage finished in one time bucket, by outcome. */
export interface OutcomeBucket {
  /** The bucket's start (ms). */
  at: number;
  /** Valid on the first attempt, nothing repaired. */
  firstTry: number;
  /** Valid after a repair (alias, fence, prose) or on a later attempt. */
  afterRepair: number;
  /** Failed or invalid, and tried again (or still to be). */
  retried: number;
  /** Failed or invalid, and the request's last attempt: given up. */
  givenUp: number;
}

/** A stage's outcomes over time and its failed attempts by reason, most frequent first. */
export interface StageOutcomes {
  buckets: OutcomeBucket[];
  failures: { kind: string; attempts: number }[];
}

/**
 * Folds the counted outcomes into each stage's, in buckets of `bucketMs`. A failed or invalid attempt whose number
 * reached its stage's `maxAttempts` was the last: given up; any other was retried (or will be).
 */
export function stageOutcomes(context: DashboardContext, bucketMs: number): Map<string, StageOutcomes> {
  const { dashboard } = context.ledger;
  const jobStages = dashboard.jobStages();
  const buckets = new Map<string, Map<number, OutcomeBucket>>();
  const failures = new Map<string, Map<string, number>>();
  const bucketOf = (stage: string, at: number): OutcomeBucket => {
    const byTime = buckets.get(stage) ?? new Map<number, OutcomeBucket>();
    buckets.set(stage, byTime);
    let bucket = byTime.get(at);
    if (!bucket) byTime.set(at, (bucket = { at, firstTry: 0, afterRepair: 0, retried: 0, givenUp: 0 }));
    return bucket;
  };
  const maxAttempts = new Map(context.config.stages.map((stage) => [stage.name, stage.maxAttempts]));
  for (const row of context.tally.rows()) {
    const stage = jobStages.get(row.jobId) ?? '?';
    const bucket = bucketOf(stage, Math.floor(row.at / bucketMs) * bucketMs);
    if (row.state === 'valid') {
      if (row.attemptNo === 1 && row.clean) bucket.firstTry += row.n;
      else bucket.afterRepair += row.n;
      continue;
    }
    if (row.attemptNo >= (maxAttempts.get(stage) ?? Number.POSITIVE_INFINITY)) bucket.givenUp += row.n;
    else bucket.retried += row.n;
    const kinds = failures.get(stage) ?? new Map<string, number>();
    failures.set(stage, kinds);
    const kind = row.failureKind ?? 'other';
    kinds.set(kind, (kinds.get(kind) ?? 0) + row.n);
  }
  const result = new Map<string, StageOutcomes>();
  for (const [stage, byTime] of buckets) {
    result.set(stage, {
      buckets: [...byTime.values()].sort((a, b) => a.at - b.at),
      failures: [...(failures.get(stage) ?? new Map<string, number>())].map(([kind, attempts]) => ({ kind, attempts }))
        .sort((a, b) => b.attempts - a.attempts || a.kind.localeCompare(b.kind)),
    });
  }
  return result;
}

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

function stageSection(stage: string, outcomes: StageOutcomes | undefined, bucketMs: number): Html {
  const buckets = outcomes?.buckets ?? [];
  const failures = outcomes?.failures ?? [];
  const totals = SERIES.map(([field, label]) => [label, buckets.reduce((sum, bucket) => sum + bucket[field], 0)] as const);
  return html`<section aria-labelledby="stage-${stage}"><h2 id="stage-${stage}">${stage}</h2>
  <p>${totals.map(([label, n], i) => html`${i > 0 ? ' · ' : ''}${label}: <strong>${countText(n)}</strong>`)}</p>
  ${buckets.length === 0 ? html`<p class="empty">No attempt finished yet.</p>` : outcomeChart(stage, buckets, bucketMs)}
  <h3>Failures by reason</h3>
  ${failures.length === 0 ? html`<p class="empty">No failed or invalid attempt.</p>` : html`<ul class="failures">${failures.map(
    (failure) => html`<li><button class="link" type="button" hx-get="/failures?stage=${encodeURIComponent(stage)}&amp;kind=${encodeURIComponent(failure.kind)}"
      hx-target="#keys-${stage}-${failure.kind}" aria-controls="keys-${stage}-${failure.kind}">${FAILURE_LABELS[failure.kind as FailureKind] ?? failure.kind}</button>
      <span class="muted">(${failure.kind})</span>: ${countText(failure.attempts)} attempts
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
  const span = context.ledger.dashboard.jobSpan();
  const bucketMs = bucketSize(span === undefined ? 0 : span.last - span.first);
  const outcomes = stageOutcomes(context, bucketMs);
  const body = stages.length === 0 ? html`<p class="empty">No request yet.</p>` : html`${stages.map((stage) => stageSection(stage, outcomes.get(stage), bucketMs))}`;
  return page({ title: 'Success rates', current: '/success', project: context.config.projectDir, body });
}
