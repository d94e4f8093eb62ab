/**
 * @module The part of a stage summary that explains the run: where each stage's outputs are, what it cost against
 * the interactive price, what was repaired in the answers, and why attempts failed and were resubmitted.
 */
import { displayPath } from '../config/index.ts';
import { formatUsd } from '../cost/index.ts';
import { totalCost, type ActualStageCost, type StageSummary } from '../engine/index.ts';
import { FAILURE_LABELS, REPAIR_LABELS, type ProviderHealthState, type RetryCount } from '../ledger/index.ts';

/** `$0.028 at the batch price, $0.056 for the same tokens at the interactive price: saved $0.028 (50%)`. */
export function costText(cost: ActualStageCost): string {
  if (cost.kind === 'unknown') return `unknown (${cost.reasons.join('; ')})`;
  const share = cost.standardUsd > 0 ? ` (${Math.round((cost.savingUsd / cost.standardUsd) * 100)}%)` : '';
  return `${formatUsd(cost.batchUsd)} at the batch price, ${formatUsd(cost.standardUsd)} for the same tokens at the ` +
    `interactive price: saved ${formatUsd(cost.savingUsd)}${share}`;
}

/** `6 alias renamed, 2 code fence stripped`, or `none`. */
export function repairsText(summary: Pick<StageSummary, 'repairs'>): string {
  const parts = summary.repairs.map((repair) => `${repair.attempts} ${REPAIR_LABELS[repair.kind]}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** `alias renamed /quantitative_findings ×6, missing field /conclusions ×2`, or undefined when none. */
export function repairFieldsText(summary: Pick<StageSummary, 'repairFields'>): string | undefined {
  if (summary.repairFields.length === 0) return undefined;
  const label = (kind: StageSummary['repairFields'][number]['kind']): string => (kind === 'alias' ? REPAIR_LABELS.alias : FAILURE_LABELS[kind]);
  return summary.repairFields.map((count) => `${label(count.kind)} ${count.field === '' ? '(root)' : count.field} ×${count.attempts}`).join(', ');
}

/** Failed attempts by reason, split into those resubmitted and those not (given up, or still to resubmit). */
export function failuresText(summary: Pick<StageSummary, 'failures'>): { resubmitted: string; notResubmitted: string | undefined } {
  const resubmitted = summary.failures.filter((failure) => failure.resubmitted > 0)
    .map((failure) => `${failure.resubmitted} ${FAILURE_LABELS[failure.kind]}`);
  const notResubmitted = summary.failures.filter((failure) => failure.attempts > failure.resubmitted)
    .map((failure) => `${failure.attempts - failure.resubmitted} ${FAILURE_LABELS[failure.kind]}`);
  return {
    resubmitted: resubmitted.length === 0 ? 'none' : resubmitted.join(', '),
    notResubmitted: notResubmitted.length === 0 ? undefined : notResubmitted.join(', '),
  };
}

/** Per stage: its output folder, cost, repairs and retries; then the total cost. */
export function formatRunExplanation(summaries: readonly StageSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    const failures = failuresText(s);
    lines.push(
      `${s.stage}: ${s.valid} valid output(s) in ${displayPath(s.outputDir)}`,
      `  cost: ${costText(s.cost)}`,
      `  repaired answers: ${repairsText(s)}`,
      `  resubmitted after: ${failures.resubmitted}`,
    );
    const fields = repairFieldsText(s);
    if (fields !== undefined) lines.push(`  by field: ${fields}`);
    if (failures.notResubmitted !== undefined) lines.push(`  failed, not resubmitted: ${failures.notResubmitted}`);
  }
  if (summaries.length > 1) lines.push(`Total cost: ${costText(totalCost(summaries.map((s) => s.cost)))}`);
  return lines.join('\n');
}

/** `Provider calls retried: 7 (getJob 503 ×4, downloadResults network ×3)`, or `none`. */
export function retriesText(retries: readonly RetryCount[]): string {
  const total = retries.reduce((sum, retry) => sum + retry.count, 0);
  if (total === 0) return 'Provider calls retried: none';
  return `Provider calls retried: ${total} (${retries.map((retry) => `${retry.endpoint} ${retry.status} ×${retry.count}`).join(', ')})`;
}

/** `provider unhealthy since 2026-…Z (last failure: …)`, or undefined when the provider last answered. */
export function healthText(health: ProviderHealthState): string | undefined {
  if (health.unhealthySince === undefined) return undefined;
  const reason = health.reason === undefined ? '' : ` (${health.reason})`;
  return `provider unhealthy since ${new Date(health.unhealthySince).toISOString()}${reason}`;
}
