/** @module `truebatch run`: the whole flow, resumable. */
import type { Command } from 'commander';
import { runPipeline, totalCost } from '../../engine/index.ts';
import { finishedExitCode } from '../exit-codes.ts';
import { formatStageSummaries } from '../format.ts';
import { retriesText } from '../format-outcome.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { requireUpstreamsRun, stagesFromFlag, withOpenProject } from '../project-session.ts';

/** Registers `run`. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('plan, submit, watch and collect every stage until all requests are valid or given up (resumable)')
    .option('--stage <name>', 'run only this stage')
    .option('--detach', 'submit the jobs and exit (code 5) without waiting; run again later to collect', false)
    .action(async (flags: { stage?: string; detach: boolean }, command: Command) => {
      const options = globalOptions(command);
      // Checked before the project opens: a usage error starts no provider.
      if (flags.stage !== undefined) await withLedger(options, false, (ledger, config) => requireUpstreamsRun(ledger, stagesFromFlag(config, flags.stage)));
      await withOpenProject(options, async (project, config, progress) => {
        const outcome = await runPipeline(project.context, stagesFromFlag(config, flags.stage), { detach: flags.detach });
        progress.stop();
        const givenUp = outcome.stages.reduce((sum, stage) => sum + stage.givenUp, 0);
        // --json: the run's total cost beside the stages' own.
        printResult(options, { ...outcome, cost: totalCost(outcome.stages.map((stage) => stage.cost)) }, () =>
          (outcome.detached ? 'Detached: jobs are running at the provider; run `truebatch run` again to collect.\n\n' : '') +
          `${formatStageSummaries(outcome.stages)}\n${retriesText(outcome.retries)}`,
        );
        const invalidDocuments = outcome.plans.reduce((sum, plan) => sum + plan.invalid.length, 0);
        process.exitCode = finishedExitCode({ detached: outcome.detached, givenUp, invalidDocuments });
      });
    });
}
