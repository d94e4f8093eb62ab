/** @module `truebatch plan`: what a run would submit and cost, without contacting any provider. */
import type { Command } from 'commander';
import { formatUsd } from '../../cost/index.ts';
import type { StageConfig } from '../../config/index.ts';
import { previewRun, stageDocumentProblems, type RunPreview } from '../../engine/index.ts';
import { describeMissingPlaceholder, type GroupedProblems } from '../../requests/index.ts';
import { finishedExitCode } from '../exit-codes.ts';
import { table } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { requireUpstreamsRun, stagesFromFlag } from '../project-session.ts';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;
}

function describePlan(plan: RunPreview, problems: readonly GroupedProblems[]): string {
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
  plan.stages.forEach((stage, index) => {
    const grouped = problems[index];
    for (const finding of grouped?.missingPlaceholders ?? []) lines.push(`invalid ${stage.stage}: ${describeMissingPlaceholder(finding)}`);
    for (const issue of grouped?.others ?? stage.invalid) lines.push(`invalid ${stage.stage} ${issue.path}: ${issue.reason}`);
  });
  for (const issue of plan.excluded) lines.push(`excluded ${issue.stage} ${issue.path}: ${issue.reason}`);
  return lines.join('\n');
}

/** A stage's invalid documents, grouped so that a placeholder every document lacks is said once. */
function problemsOf(stage: StageConfig | undefined, preview: RunPreview['stages'][number]): GroupedProblems {
  if (!stage) return { missingPlaceholders: [], others: preview.invalid };
  return stageDocumentProblems(stage, preview.documents + preview.invalid.length, preview.invalid);
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
        const problems = plan.stages.map((preview) => problemsOf(stages.find((stage) => stage.name === preview.stage), preview));
        const missingPlaceholders = problems.flatMap((grouped) => grouped.missingPlaceholders);
        printResult(options, { ...plan, missingPlaceholders }, () => describePlan(plan, problems));
        process.exitCode = finishedExitCode({ invalidDocuments: plan.invalid.length });
      });
    });
}
