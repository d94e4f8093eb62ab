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
    ['stage', 'docs', 'to submit', 'new', 'changed', 'cached', 'resubmit', 'waiting upstream', 'valid', 'in flight', 'given up', 'shards', 'tokens in/out', 'standard', 'batch'],
  ];
  for (const s of plan.stages) {
    rows.push([
      s.stage, s.documents, s.requests.toSubmit, s.requests.new, s.requests.changed, s.requests.cached, s.requests.resubmissions,
      s.requests.waitingOnUpstream, s.ledger.valid, s.ledger.inFlight, s.ledger.givenUp, s.shards.length,
      `${s.estimatedTokens.input}/${s.estimatedTokens.output}`, formatUsd(s.estimatedCost.standardUsd), formatUsd(s.estimatedCost.batchUsd),
    ]);
  }
  const cost = plan.estimatedCost;
  const lines = [table(rows), ''];
  // A project whose stages use several providers says which stage goes where (each is priced at its model's prices).
  if (new Set(plan.stages.map((s) => s.provider)).size > 1) {
    lines.push(`Providers: ${plan.stages.map((s) => `${s.stage} on ${s.provider} (${s.model}, ${formatUsd(s.estimatedCost.batchUsd)})`).join('; ')}.`);
  }
  lines.push(
    `To submit: ${plan.requests.toSubmit} request(s) in ${plan.shards.length} shard(s); ` +
      `about ${plan.estimatedTokens.input} input and ${plan.estimatedTokens.output} output tokens.`,
    `Estimated cost: ${formatUsd(cost.batchUsd)} at the batch price (${formatUsd(cost.standardUsd)} interactive; you save ${formatUsd(cost.savingUsd)}).`,
  );
  for (const s of plan.stages) {
    const { pdfs, pages, images, bytes } = s.attachments;
    if (pdfs + images > 0) lines.push(`  ${s.stage} documents: ${pdfs} PDF(s) of ${pages} page(s), ${images} image(s), ${mib(bytes)}`);
  }
  if (plan.uploads.files > 0) {
    lines.push(`To upload before the jobs are created: ${plan.uploads.files} document(s), ${mib(plan.uploads.bytes)}; each is deleted once no request needs it.`);
  }
  for (const shard of plan.shards) {
    lines.push(`  ${shard.stage} shard: ${shard.requests} requests, ${mib(shard.bytes)} (limits ${plan.limits.maxRequestsPerJob} requests, ${mib(plan.limits.maxBytesPerJob)})`);
  }
  if (plan.requests.orphaned > 0) {
    lines.push(
      `${plan.requests.orphaned} of them are pending requests of documents no longer listed (deleted, refused, or their upstream answer ` +
        'is redone); the run sends them too.',
    );
  }
  if (plan.requests.inUnsentJobs > 0) {
    lines.push(`${plan.requests.inUnsentJobs} of them are in jobs an earlier run cut but did not send; the run sends those jobs as they are.`);
  }
  for (const over of plan.overBudget) {
    lines.push(
      `Over budget: the ${over.scope} budget is ${formatUsd(over.maxUsd)}; ${formatUsd(over.committedUsd)} is committed and this plan adds about ` +
        `${formatUsd(over.plannedUsd)}. The run stops (exit 4) before the job that would exceed it.`,
    );
  }
  for (const s of plan.stages) {
    if (s.canary) {
      lines.push(`${s.stage}: a canary of ${s.canary.requests} request(s) goes first; the rest only if ${Math.round(s.canary.minValidRate * 100)}% of it is valid.`);
    }
    if (s.context) {
      // The figures above price every request with its shared context at the input price; this is what a cache changes.
      lines.push(`${s.stage}: shared context of about ${s.context.sharedTokens} tokens; ${s.context.decision.reason}.`);
    }
    if (s.searchFee && s.searchFee.requests > 0) {
      lines.push(
        `${s.stage}: web search fee up to ${formatUsd(s.searchFee.usd)} if all ${s.searchFee.requests} request(s) search ` +
          '(billed per request that used it, not in the figures above).',
      );
    }
    if (s.waiting.requests > 0) {
      const cost = s.waiting.estimatedCost ? `, roughly ${formatUsd(s.waiting.estimatedCost.batchUsd)} more at the batch price` : '';
      lines.push(
        `${s.stage}: up to ${s.waiting.requests} more request(s) once their upstream answers are valid during the run ` +
          `(not in the figures above${cost}).`,
      );
    }
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
    .description('dry run: exactly what the next run submits (requests, shards, estimated tokens and cost); contacts no provider ' +
        'and records nothing; exits 7 when some documents cannot become requests')
    .option('--stage <name>', 'only this stage')
    .option('--keys', 'with --json, list the key of every request to submit (else a hash of them)')
    .action(async (flags: { stage?: string; keys?: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, async (ledger, config, session) => {
        const stages = stagesFromFlag(config, flags.stage);
        requireUpstreamsRun(ledger, stages);
        const plan = await previewRun({ config, ledger, prices: session.prices }, stages, { keys: flags.keys === true });
        const problems = plan.stages.map((preview) => problemsOf(stages.find((stage) => stage.name === preview.stage), preview));
        const missingPlaceholders = problems.flatMap((grouped) => grouped.missingPlaceholders);
        printResult(options, { ...plan, missingPlaceholders }, () => describePlan(plan, problems));
        process.exitCode = finishedExitCode({ invalidDocuments: plan.invalid.length });
      });
    });
}
