/**
 * @module Jobs: every batch job, newest first, a page at a time: provider name, state, counts as they move, age
 * against the provider's expiry, durations, and the files and caches it used.
 */
import { html } from 'hono/html';
import type { DashboardJob } from '../../ledger/index.ts';
import { countText, durationText } from '../../report/index.ts';
import { PAGE_SIZE, type DashboardContext } from '../context.ts';
import { liveRegion, page, pager, stateText, type Html } from '../html.ts';

/**
 * A batch job expires when it has been pending or running for 48 hours (gemini-batch-api.md: `JOB_STATE_EXPIRED`,
 * "running or pending for more than 48 hours"; `expirationTime` = `createTime` + 48 h).
 */
export const JOB_EXPIRY_MS = 48 * 3_600_000;

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'expired', 'collected']);

function span(from: number | null, to: number | null): string {
  return from === null || to === null ? '–' : durationText(Math.max(0, to - from));
}

function age(job: DashboardJob, now: number): string {
  if (job.submitted_at === null) return 'not submitted';
  const end = job.finished_at ?? (FINISHED.has(job.state) ? job.updated_at : now);
  const used = end - job.submitted_at;
  return `${durationText(used)} of ${durationText(JOB_EXPIRY_MS)}${job.finished_at === null && used > JOB_EXPIRY_MS * 0.75 ? ' (near expiry)' : ''}`;
}

/** A job's attempts so far: valid, rejected (invalid or failed), and still open. */
interface JobCounts {
  valid: number;
  rejected: number;
}

/** Finished attempts per job, from the tally (a job's attempts are its requests; the rest are open). */
function jobCounts(context: DashboardContext): Map<number, JobCounts> {
  const counts = new Map<number, JobCounts>();
  for (const row of context.tally.rows()) {
    const job = counts.get(row.jobId) ?? { valid: 0, rejected: 0 };
    if (row.state === 'valid') job.valid += row.n;
    else job.rejected += row.n;
    counts.set(row.jobId, job);
  }
  return counts;
}

function jobRow(job: DashboardJob, counts: JobCounts, now: number): Html {
  const count = (name: string, value: number): Html => html`<td class="num" data-job="${job.id}" data-count="${name}">${countText(value)}</td>`;
  return html`<tr>
  <td>${job.id}</td>
  <td><code>${job.display_name}</code>${job.remote_name === null ? '' : html`<br><code class="muted">${job.remote_name}</code>`}${job.canary ? html` <span class="muted">canary</span>` : ''}</td>
  <td>${job.stage}</td>
  <td>${stateText(job.state)}${job.remote_state === null ? '' : html`<br><span class="muted">${job.remote_state}</span>`}${job.error === null ? '' : html`<br><span class="muted">${job.error}</span>`}</td>
  ${count('requests', job.request_count)}${count('valid', counts.valid)}${count('rejected', counts.rejected)}${count('open', job.request_count - counts.valid - counts.rejected)}
  <td>${age(job, now)}</td>
  <td>${span(job.created_at, job.submitted_at)}</td><td>${span(job.submitted_at, job.finished_at)}</td><td>${span(job.finished_at, job.collected_at)}</td>
  <td><code>${job.input_file ?? job.input_path}</code>${job.output_file === null ? '' : html`<br><code class="muted">${job.output_file}</code>`}</td>
  <td>${job.caches ?? '–'}</td>
</tr>`;
}

/** The live table of one page of jobs. */
export function jobsFragment(context: DashboardContext, pageNo: number): Html {
  const { dashboard } = context.ledger;
  const jobs = dashboard.jobs(PAGE_SIZE, (pageNo - 1) * PAGE_SIZE);
  const total = dashboard.jobCount();
  const now = context.clock.now();
  const counts = jobCounts(context);
  if (total === 0) return html`<p class="empty">No job yet.</p>`;
  return html`<p class="muted">${countText(total)} jobs. Wait: created to submitted (cut, upload, create); at provider: submitted to finished; collect: finished to collected.</p>
<div class="scroll"><table>
  <caption class="muted">Jobs, newest first</caption>
  <thead><tr><th>#</th><th>Name (ours / provider's)</th><th>Stage</th><th>State</th><th class="num">Requests</th><th class="num">Valid</th>
    <th class="num">Rejected</th><th class="num">Open</th><th>Age / expiry</th><th>Wait</th><th>At provider</th><th>Collect</th><th>Input / result file</th><th>Caches</th></tr></thead>
  <tbody>${jobs.map((job) => jobRow(job, counts.get(job.id) ?? { valid: 0, rejected: 0 }, now))}</tbody>
</table></div>
${pager('/jobs', {}, pageNo, pageNo * PAGE_SIZE < total)}`;
}

/** The Jobs page. */
export function jobsPage(context: DashboardContext, pageNo: number): Html {
  return page({ title: 'Jobs', current: '/jobs', project: context.config.projectDir, body: liveRegion('jobs', `page=${pageNo}`, jobsFragment(context, pageNo)) });
}
