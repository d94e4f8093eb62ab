/** @module `truebatch plan`: what a run would submit and cost, without contacting any provider. */
import type { Command } from 'commander';
import { formatUsd } from '../../cost/index.ts';
import { previewRun, type RunPreview } from '../../engine/index.ts';
import { table } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { requireUpstreamsRun, stagesFromFlag } from '../project-session.ts';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;
}

function describePlan(plan: RunPreview): string {
  const rows: (string | number)[][] = [
    ['stage', 'docs', 'new', 'changed', 'cached', 'resubmit', 'waiting upstream', 'valid', 'in flight', 'given up', 'shards', 'tokens in/out', 'standard', 'batch'],
  ];
  for (const s of plan.stages) {
    rows.push([
      s.stage, s.documents, s.requests.new, s.requests.changed, s.requests.cached, s.requests.resubmissions,
      s.requests.waitingOnUpstream, s.ledger.valid, s.ledger.inFlight, s.ledger.givenUp, s.shards.length,
      `${s.estimatedTokens.input}/${s.estimatedTokens.output}`, formatUsd(s.estimatedCost.standardUsd), formatUsd(s.estimatedCost.batchUsd),
    ]);
  }
  const cost = plan.estimatedCost;
  const lines = [
    table(rows),
    '',
    `To submit: ${plan.requests.toSubmit} request(s) in ${plan.shards.length} shard(s); ` +
      `about ${plan.estimatedTokens.input} input and ${plan.estimatedTokens.output} output tokens.`,
    `Estimated cost: ${formatUsd(cost.batchUsd)} at the batch price (${formatUsd(cost.standardUsd)} interactive; you save ${formatUsd(cost.savingUsd)}).`,
  ];
  for (const shard of plan.shards) {
    lines.push(`  ${shard.stage} shard: ${shard.requests} requests, ${mib(shard.bytes)} (limits ${plan.limits.maxRequestsPerJob} requests, ${mib(plan.limits.maxBytesPerJob)})`);
  }
  if (plan.requests.waitingOnUpstream > 0) {
    lines.push(`${plan.requests.waitingOnUpstream} request(s) wait on an upstream stage: they are planned and priced once its outputs exist.`);
  }
  for (const issue of plan.invalid) lines.push(`invalid ${issue.stage} ${issue.path}: ${issue.reason}`);
  for (const issue of plan.excluded) lines.push(`excluded ${issue.stage} ${issue.path}: ${issue.reason}`);
  return lines.join('\n');
}

/** Registers `plan`. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('dry run: documents, requests, shards, estimated tokens and cost; contacts no provider and records nothing')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, async (ledger, config, session) => {
        const stages = stagesFromFlag(config, flags.stage);
        requireUpstreamsRun(ledger, stages);
        const plan = await previewRun({ config: session.config, ledger, prices: session.prices }, stages);
        printResult(options, plan, () => describePlan(plan));
      });
    });
}
