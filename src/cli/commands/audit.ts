/**
 * @module `truebatch audit` (#19): asks a sample of a stage's valid batch requests again through the provider's
 * interactive API and compares the answers field by field. `--plan` prices it and calls nothing.
 */
import type { Command } from 'commander';
import { formatUsd } from '../../cost/index.ts';
import { planAudit, runAudit, type AuditPlan, type AuditSummary } from '../../quality/index.ts';
import { ConfigError } from '../../shared/index.ts';
import { table } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { stagesFromFlag, withOpenProject } from '../project-session.ts';

interface AuditFlags {
  stage?: string;
  sample?: string;
  seed: string;
  plan?: boolean;
}

/** A whole number from a flag, or a usage error naming it. */
function wholeNumber(text: string | undefined, flag: string, min: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min) throw new ConfigError(`${flag} must be a whole number of at least ${min}, got ${text ?? 'nothing'}`);
  return value;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function describePlan(plan: AuditPlan): string {
  const lines = [
    `Audit of ${plan.stage} (seed ${plan.seed}): ${plan.sampled} of ${plan.candidates} document(s) with valid batch outputs sampled; ` +
      `${plan.calls} interactive call(s) to make, ${plan.reused} already answered (reused, not paid).`,
    `Estimated: about ${plan.estimatedTokens.input} input and ${plan.estimatedTokens.output} output tokens, ${formatUsd(plan.estimatedUsd)} at standard (interactive) prices.`,
  ];
  if (plan.budgets.length === 0) lines.push('No budget is set (budget.maxUsd): nothing caps the audit.');
  for (const budget of plan.budgets) {
    lines.push(`The ${budget.scope} budget is ${formatUsd(budget.maxUsd)}: ${formatUsd(budget.committedUsd)} committed, ${formatUsd(budget.headroomUsd)} left.`);
  }
  if (!plan.fitsBudget) lines.push('Over budget: `audit` would refuse (exit 4) before any call.');
  return lines.join('\n');
}

/** The per-field agreement table and the totals. */
export function describeAudit(summary: AuditSummary): string {
  const rows: (string | number)[][] = [['field', 'kind', 'agree', 'rate', '95% interval']];
  for (const field of summary.fields) {
    rows.push([field.path === '' ? '(answer)' : field.path, field.kind, `${field.agree}/${field.n}`, percent(field.rate), `${percent(field.interval.low)}-${percent(field.interval.high)}`]);
  }
  const { overall } = summary;
  rows.push(['(whole document)', '', `${overall.agree}/${overall.n}`, percent(overall.rate), `${percent(overall.interval.low)}-${percent(overall.interval.high)}`]);
  return [
    `Audit of ${summary.stage} (seed ${summary.seed}): ${summary.calls} document(s), ${summary.compared} compared, ${summary.invalid} invalid interactive answer(s), ` +
      `${summary.failed} failed call(s), ${summary.reused} reused.`,
    table(rows),
    `Paid: ${formatUsd(summary.costUsd)} at standard (interactive) prices.`,
  ].join('\n');
}

/** Registers `audit`. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('ask a sample of a stage\'s valid batch requests again through the interactive API (paid at standard prices, ' +
      'held to the budget) and compare each answer with the batch output field by field; --plan prices it without calling')
    .option('--stage <name>', 'the stage to audit (required)')
    .option('--sample <n>', 'how many documents to sample (required)')
    .option('--seed <k>', 'chooses the sample: the same seed gives the same sample, and reuses what it paid for', '0')
    .option('--plan', 'price the audit (calls, tokens, cost, budget headroom) and call nothing')
    .action(async (flags: AuditFlags, command: Command) => {
      const options = globalOptions(command);
      if (flags.stage === undefined) throw new ConfigError('audit needs --stage <name>');
      const sample = wholeNumber(flags.sample, '--sample', 1);
      const seed = wholeNumber(flags.seed, '--seed', 0);
      if (flags.plan === true) {
        await withLedger(options, false, (ledger, config, session) => {
          const stage = only(stagesFromFlag(config, flags.stage));
          const { sample: _sampled, ...plan } = planAudit({ config, ledger, prices: session.prices }, { stage, sample, seed });
          printResult(options, plan, () => describePlan(plan));
        });
        return;
      }
      await withOpenProject(options, async ({ context }, config, progress) => {
        const stage = only(stagesFromFlag(config, flags.stage));
        const { plan, summary } = await runAudit(context, { stage, sample, seed }, (step) => {
          if (step.done === step.total || step.done % 10 === 0) {
            context.reporter.notice(`audit ${stage.name}: ${step.done}/${step.total} document(s), ${step.reused} reused, ${step.failed} failed`);
          }
        });
        progress.stop();
        printResult(options, { plan, ...summary }, () => describeAudit(summary));
      });
    });
}

function only<T>(stages: readonly T[]): T {
  const [stage] = stages;
  if (stage === undefined || stages.length !== 1) throw new ConfigError('audit takes exactly one --stage');
  return stage;
}
