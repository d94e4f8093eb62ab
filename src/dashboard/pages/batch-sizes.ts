/**
 * @module Batch sizes: job size against wait, time at the provider and failure rate, from this project's own
 * collected jobs, with the size the data suggests and why.
 */
import { html } from 'hono/html';
import type { JobSizeSample } from '../../ledger/index.ts';
import { countText, durationText, percentText } from '../../report/index.ts';
import type { DashboardContext } from '../context.ts';
import { chart, page, type Html } from '../html.ts';

/** Jobs of sizes within a power of two: 1, 2–3, 4–7, … requests. */
export interface SizeBucket {
  from: number;
  to: number;
  jobs: number;
  medianWaitMs: number | undefined;
  medianProviderMs: number | undefined;
  attempts: number;
  failed: number;
  /** Requests per second at the provider, over all the bucket's jobs. */
  throughput: number | undefined;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A collected job's size and times, with its attempts and how many failed. */
export interface SizedJob extends JobSizeSample {
  attempts: number;
  failed: number;
}

/** The project's collected jobs with their attempts counted (from the tally, not a pass per job). */
function sizedJobs(context: DashboardContext): SizedJob[] {
  const attempts = new Map<number, { attempts: number; failed: number }>();
  for (const row of context.tally.rows()) {
    const job = attempts.get(row.jobId) ?? { attempts: 0, failed: 0 };
    job.attempts += row.n;
    if (row.state !== 'valid') job.failed += row.n;
    attempts.set(row.jobId, job);
  }
  return context.ledger.dashboard.jobSizes().map((job) => ({ ...job, ...(attempts.get(job.id) ?? { attempts: 0, failed: 0 }) }));
}

/** The samples grouped by size, smallest first. */
export function sizeBuckets(samples: readonly SizedJob[]): SizeBucket[] {
  const groups = new Map<number, SizedJob[]>();
  for (const sample of samples) {
    const from = 2 ** Math.floor(Math.log2(Math.max(1, sample.requests)));
    groups.set(from, [...(groups.get(from) ?? []), sample]);
  }
  return [...groups].sort(([a], [b]) => a - b).map(([from, jobs]) => {
    const timed = jobs.filter((job) => job.providerMs !== null && job.providerMs > 0);
    const seconds = timed.reduce((sum, job) => sum + (job.providerMs ?? 0), 0) / 1000;
    return {
      from,
      to: from * 2 - 1,
      jobs: jobs.length,
      medianWaitMs: median(jobs.flatMap((job) => (job.waitMs === null ? [] : [job.waitMs]))),
      medianProviderMs: median(timed.map((job) => job.providerMs ?? 0)),
      attempts: jobs.reduce((sum, job) => sum + job.attempts, 0),
      failed: jobs.reduce((sum, job) => sum + job.failed, 0),
      throughput: seconds > 0 ? timed.reduce((sum, job) => sum + job.requests, 0) / seconds : undefined,
    };
  });
}

/** Failure rates within this many points of the best count as equally good. */
const FAILURE_SLACK = 0.05;

/** The bucket with the best throughput among those whose failure rate is near the lowest, and why. */
export function suggestSize(buckets: readonly SizeBucket[]): { bucket: SizeBucket; why: string } | undefined {
  const rated = buckets.filter((bucket) => bucket.throughput !== undefined && bucket.attempts > 0);
  if (rated.length === 0) return undefined;
  const rate = (bucket: SizeBucket): number => bucket.failed / bucket.attempts;
  const lowest = Math.min(...rated.map(rate));
  const fine = rated.filter((bucket) => rate(bucket) <= lowest + FAILURE_SLACK);
  const best = fine.reduce((a, b) => ((b.throughput ?? 0) > (a.throughput ?? 0) ? b : a));
  const why = `jobs of ${best.from}–${best.to} requests finished ${(best.throughput ?? 0).toFixed(2)} requests per second at the provider, ` +
    `the most of any size whose failure rate (${percentText(best.failed, best.attempts)}) is within ${FAILURE_SLACK * 100} points of the lowest ` +
    `(${Math.round(lowest * 100)}%); ${rated.length === 1 ? 'only one size has been tried: try others to compare' : `${rated.length} sizes compared`}.`;
  return { bucket: best, why };
}

function samplesChart(samples: readonly SizedJob[]): Html {
  const sorted = [...samples].sort((a, b) => a.requests - b.requests);
  const table = html`<table><thead><tr><th class="num">Requests</th><th class="num">Wait (s)</th><th class="num">At provider (s)</th><th class="num">Failed</th></tr></thead>
  <tbody>${sorted.map((job) => html`<tr><td class="num">${job.requests}</td><td class="num">${((job.waitMs ?? 0) / 1000).toFixed(1)}</td><td class="num">${((job.providerMs ?? 0) / 1000).toFixed(1)}</td><td class="num">${percentText(job.failed, job.attempts)}</td></tr>`)}</tbody></table>`;
  return chart('Job size against wait and time at the provider (seconds)', {
    xLabel: 'requests in the job', yLabel: 'seconds', points: true, series: ['wait', 'at provider'],
    x: sorted.map((job) => job.requests),
    ys: [sorted.map((job) => (job.waitMs === null ? null : job.waitMs / 1000)), sorted.map((job) => (job.providerMs === null ? null : job.providerMs / 1000))],
  }, table);
}

/** The Batch sizes page. */
export function batchSizesPage(context: DashboardContext): Html {
  const samples = sizedJobs(context);
  const buckets = sizeBuckets(samples);
  const suggestion = suggestSize(buckets);
  const body = samples.length === 0 ? html`<p class="empty">No collected job yet: sizes are judged from this project's own history.</p>` : html`
  <section aria-labelledby="suggest-h"><h2 id="suggest-h">Suggested size</h2>
  ${suggestion === undefined ? html`<p class="empty">No job has timings yet.</p>` : html`<p><strong>${suggestion.bucket.from}–${suggestion.bucket.to} requests per job</strong>
    (<code>sharding.maxRequestsPerJob: ${suggestion.bucket.to}</code>): ${suggestion.why}</p>`}
  </section>
  <section aria-labelledby="sizes-h"><h2 id="sizes-h">By size</h2><div class="scroll"><table>
  <thead><tr><th>Requests per job</th><th class="num">Jobs</th><th class="num">Median wait</th><th class="num">Median at provider</th><th class="num">Failure rate</th><th class="num">Requests/s</th></tr></thead>
  <tbody>${buckets.map((bucket) => html`<tr><td>${bucket.from}–${bucket.to}</td><td class="num">${countText(bucket.jobs)}</td>
    <td class="num">${bucket.medianWaitMs === undefined ? '–' : durationText(bucket.medianWaitMs)}</td>
    <td class="num">${bucket.medianProviderMs === undefined ? '–' : durationText(bucket.medianProviderMs)}</td>
    <td class="num">${percentText(bucket.failed, bucket.attempts)}</td><td class="num">${bucket.throughput === undefined ? '–' : bucket.throughput.toFixed(2)}</td></tr>`)}</tbody>
  </table></div></section>
  ${samplesChart(samples)}`;
  return page({ title: 'Batch sizes', current: '/batch-sizes', project: context.config.projectDir, body });
}
