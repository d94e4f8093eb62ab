/** @module Report values as text, shared by the Markdown and HTML renderers. */
import { formatUsd } from '../cost/index.ts';
import type { ActualCost, EstimatedCost, PricedCost, ReportFigures, RunReport } from './report-types.ts';

const COUNT = new Intl.NumberFormat('en-US');

/** A whole number with thousands separators. */
export function countText(value: number): string {
  return COUNT.format(value);
}

/** `part` as a percentage of `whole`, e.g. `83%`, or `–` when `whole` is 0. */
export function percentText(part: number, whole: number): string {
  if (whole === 0) return '–';
  const share = (part / whole) * 100;
  return `${share >= 99.5 && part < whole ? '>99' : share > 0 && share < 0.5 ? '<1' : Math.round(share)}%`;
}

/** A duration for people: `850 ms`, `42 s`, `3 min 05 s`, `2 h 07 min`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The field of a cost to show. */
export type CostField = keyof Omit<PricedCost, 'kind'>;

/** One field of a cost as text: a USD amount, `unknown`, or `no estimate`. */
export function costText(cost: ActualCost | EstimatedCost, field: CostField): string {
  if (cost.kind === 'priced') return formatUsd(cost[field]);
  if (cost.kind === 'unknown') return 'unknown';
  return 'no estimate';
}

/** Why a cost has no amount, or undefined when it has one. */
export function costProblem(cost: ActualCost | EstimatedCost): string | undefined {
  if (cost.kind === 'priced') return undefined;
  if (cost.kind === 'unknown') return cost.reasons.join('; ');
  return cost.reason;
}

/** How much of the requests an estimate covers, e.g. `3 of 4 requests`, or undefined when it covers all. */
export function estimateCoverage(cost: EstimatedCost): string | undefined {
  if (cost.kind !== 'priced' || cost.coveredRequests === cost.requests) return undefined;
  return `${countText(cost.coveredRequests)} of ${countText(cost.requests)} requests`;
}

/** `48 requests in 2 stages`. */
export function requestsInStages(report: RunReport): string {
  const stages = report.stages.length;
  const requests = report.total.requests.total;
  return `${countText(requests)} request${requests === 1 ? '' : 's'} in ${countText(stages)} stage${stages === 1 ? '' : 's'}`;
}

/**
 * What "Top validation problems" says when no answer broke a rule, so it never stands as a bare "None" beside failed
 * attempts: those failed for other reasons, listed under "Why attempts failed".
 */
export function noProblemsText(total: ReportFigures): string {
  const failed = total.attempts.failed + total.attempts.invalid;
  if (failed === 0) return 'None: no attempt failed.';
  return `None: no answer broke a validation rule. The ${countText(failed)} failed attempt(s) failed for other reasons ` +
    `(${total.failureReasons.map((failure) => `${countText(failure.attempts)} ${failure.label}`).join(', ')}): see Why attempts failed.`;
}
