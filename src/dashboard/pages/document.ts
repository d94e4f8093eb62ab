/**
 * @module A document: its request's attempts, the exact request, each raw answer and the validated output, the diff
 * between consecutive attempts' answers, its lineage up and down, and a link to its output file.
 */
import { relative } from 'node:path';
import { html } from 'hono/html';
import type { AttemptRow, Lineage, RequestRow } from '../../ledger/index.ts';
import { countText } from '../../report/index.ts';
import { PAGE_SIZE, type DashboardContext } from '../context.ts';
import { lineDiff } from '../diff.ts';
import { readOutput } from '../files.ts';
import { documentLink, page, pager, stateText, type Html } from '../html.ts';

/** How much of a stored answer or request is shown inline (the output file link has all of it). */
const SHOWN_CHARS = 50_000;

function pretty(text: string | null): string {
  if (text === null) return '';
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it is
  }
  return shown.length > SHOWN_CHARS ? `${shown.slice(0, SHOWN_CHARS)}\n… (${countText(shown.length - SHOWN_CHARS)} more characters)` : shown;
}

/** The answer's text when the stored response has one (a neutral `ModelResponse`), else the whole stored line. */
function answerOf(attempt: AttemptRow): string {
  if (attempt.response === null) return '';
  try {
    const stored = JSON.parse(attempt.response) as { text?: unknown } | null;
    if (stored !== null && typeof stored.text === 'string') return pretty(stored.text);
  } catch {
    // not JSON
  }
  return pretty(attempt.response);
}

function diffBlock(before: AttemptRow, after: AttemptRow): Html {
  const lines = lineDiff(answerOf(before), answerOf(after));
  return html`<section class="attempt-diff" aria-label="changes from attempt ${before.attempt_no} to ${after.attempt_no}">
  <h3>Answer of attempt ${before.attempt_no} → attempt ${after.attempt_no}</h3>
  <pre class="diff">${lines.map((line) => html`<div class="${line.kind}">${line.text}</div>`)}</pre></section>`;
}

function attemptBlock(attempt: AttemptRow, note: string | null): Html {
  return html`<details class="attempt" ${attempt.state === 'valid' ? '' : 'open'}>
  <summary>Attempt ${attempt.attempt_no}: ${stateText(attempt.state)} in job ${attempt.job_id}${attempt.reason === null ? '' : html` — ${attempt.reason}`}</summary>
  <p class="muted">finished ${attempt.finished_at === null ? 'not yet' : new Date(attempt.finished_at).toISOString()}
    ${attempt.failure_kind === null ? '' : html` · failure: ${attempt.failure_kind}`}${attempt.repairs === null ? '' : html` · repaired: ${attempt.repairs}`}
    ${attempt.total_tokens === null ? '' : html` · ${countText(attempt.total_tokens)} tokens`}</p>
  ${attempt.attempt_no > 1 && note !== null ? html`<h4>Repair note sent with retries</h4><pre>${note}</pre>` : ''}
  ${attempt.issues === null ? '' : html`<h4>Validation issues</h4><pre>${pretty(attempt.issues)}</pre>`}
  <h4>Raw answer (as stored)</h4><pre>${pretty(attempt.response)}</pre>
</details>`;
}

function lineageBlock(context: DashboardContext, request: RequestRow): Html {
  const lineage = JSON.parse(request.lineage ?? '{}') as Partial<Lineage>;
  const down = context.ledger.dashboard.downstream(request.stage, request.key, PAGE_SIZE);
  return html`<section aria-labelledby="lineage-h"><h2 id="lineage-h">Lineage</h2>
  ${lineage.document === undefined ? '' : html`<p>Document <code>${lineage.document.id}</code> from <code>${lineage.document.path}</code> (sha256 <code>${lineage.document.contentHash.slice(0, 16)}…</code>)</p>`}
  <h3>Up (what it was made from)</h3>
  ${(lineage.upstream ?? []).length === 0 ? html`<p class="empty">No upstream stage.</p>` : html`<ul>${(lineage.upstream ?? []).map((up) => html`<li>${up.stage}: ${documentLink(up.stage, up.key)}</li>`)}</ul>`}
  <h3>Down (what it feeds)</h3>
  ${down.length === 0 ? html`<p class="empty">Nothing downstream yet.</p>` : html`<ul>${down.map((row) => html`<li>${row.stage}: ${documentLink(row.stage, row.key)} ${stateText(row.state)}</li>`)}</ul>`}
  <p class="muted">prompt ${lineage.prompt?.file ?? '(inline)'} · model ${request.model} · fingerprint <code>${request.fingerprint.slice(0, 16)}…</code></p>
</section>`;
}

/** A document's page, or undefined when the ledger has no request for (stage, key). */
export async function documentPage(context: DashboardContext, stage: string, key: string): Promise<Html | undefined> {
  const found = context.ledger.dashboard.request(stage, key);
  if (!found) return undefined;
  const { request, body, attempts } = found;
  const output = request.output_path === null ? undefined : await readOutput(context, request.output_path, SHOWN_CHARS);
  const outputHref = request.output_path === null ? undefined : `/files/${relative(context.config.projectDir, request.output_path).split('\\').join('/')}`;
  const diffs = attempts.slice(1).map((attempt, i) => diffBlock(attempts[i] as AttemptRow, attempt));
  const bodyHtml = html`<p>${stateText(request.state)} after ${request.attempts} of ${request.max_attempts} attempts
    ${request.cached_from === null ? '' : html` · answer reused from attempt ${request.cached_from}`}${request.last_reason === null ? '' : html` · last reason: ${request.last_reason}`}</p>
  <section aria-labelledby="diff-h"><h2 id="diff-h">Changes between attempts</h2>
  ${diffs.length === 0 ? html`<p class="empty">Only one attempt.</p>` : diffs}
  </section>
  <section aria-labelledby="attempts-h"><h2 id="attempts-h">Attempts</h2>
  ${attempts.length === 0 ? html`<p class="empty">Not submitted yet.</p>` : attempts.map((attempt) => attemptBlock(attempt, request.repair_note))}
  </section>
  <section aria-labelledby="output-h"><h2 id="output-h">Validated output</h2>
  ${outputHref === undefined ? html`<p class="empty">No valid output yet.</p>` : html`<p><a href="${outputHref}">${request.output_path}</a></p>
    ${output === undefined ? html`<p class="empty">The output file is missing.</p>` : html`<pre>${pretty(output)}</pre>`}`}
  </section>
  ${lineageBlock(context, request)}
  <section aria-labelledby="request-h"><h2 id="request-h">The request as planned</h2>
  <pre>${pretty(body)}</pre></section>`;
  return page({ title: `${stage} · ${key}`, current: '/documents', project: context.config.projectDir, body: bodyHtml });
}

/** The Documents page: a stage's requests by key, a page at a time, optionally only those in one state. */
export function documentsPage(context: DashboardContext, stage: string | undefined, state: string | undefined, pageNo: number): Html {
  const stages = context.ledger.report.stages();
  const chosen = stage !== undefined && stages.includes(stage) ? stage : stages[0];
  const rows = chosen === undefined ? [] : context.ledger.dashboard.requests(chosen, state, PAGE_SIZE + 1, (pageNo - 1) * PAGE_SIZE);
  const body = html`<form method="get" action="/documents" class="filters">
    <label>Stage <select name="stage">${stages.map((name) => html`<option ${name === chosen ? 'selected' : ''}>${name}</option>`)}</select></label>
    <label>State <select name="state"><option value="">any</option>${['pending', 'in_job', 'valid', 'given_up'].map(
      (name) => html`<option ${name === state ? 'selected' : ''}>${name}</option>`,
    )}</select></label>
    <button type="submit">Show</button></form>
  ${chosen === undefined ? html`<p class="empty">No request yet.</p>` : html`<div class="scroll"><table><thead><tr><th>Key</th><th>State</th><th class="num">Attempts</th><th>Last reason</th></tr></thead>
  <tbody>${rows.slice(0, PAGE_SIZE).map((row) => html`<tr><td>${documentLink(chosen, row.key)}</td><td>${stateText(row.state)}</td><td class="num">${row.attempts}</td><td>${row.last_reason ?? ''}</td></tr>`)}</tbody></table></div>
  ${pager('/documents', { stage: chosen, state: state ?? '' }, pageNo, rows.length > PAGE_SIZE)}`}`;
  return page({ title: 'Documents', current: '/documents', project: context.config.projectDir, body });
}
