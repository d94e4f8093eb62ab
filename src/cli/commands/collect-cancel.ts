/** @module `truebatch collect` and `truebatch cancel`: act on submitted jobs without submitting anything new. */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { cancelJobs, collectFinished, liveJobs } from '../../engine/index.ts';
import { ConfigError } from '../../shared/index.ts';
import { formatStageSummaries } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { stagesFromFlag, withOpenProject } from '../project-session.ts';

/** Registers `collect` and `cancel`. */
export function registerCollectAndCancelCommands(program: Command): void {
  program
    .command('collect')
    .description('check submitted jobs once and collect every finished one (submits nothing)')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withOpenProject(options, async (project, config, progress) => {
        const stages = await collectFinished(project.context, stagesFromFlag(config, flags.stage));
        progress.stop();
        printResult(options, { stages }, () => formatStageSummaries(stages));
      });
    });

  program
    .command('cancel')
    .description('cancel live jobs; results that finished before the cancel are still collected')
    .option('--stage <name>', 'only this stage')
    .option('-y, --yes', 'do not ask for confirmation', false)
    .action(async (flags: { stage?: string; yes: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withOpenProject(options, async (project, config, progress) => {
        const stages = stagesFromFlag(config, flags.stage);
        const jobs = liveJobs(project.context, stages);
        progress.stop(); // before the question and the table: live bars would redraw over them
        if (jobs.length === 0) {
          printResult(options, { cancelled: [] }, () => 'No live jobs to cancel.');
          return;
        }
        if (!flags.yes) await confirm(`Cancel ${jobs.length} job(s): ${jobs.map((job) => job.displayName).join(', ')}?`);
        const summaries = await cancelJobs(project.context, stages);
        printResult(options, { cancelled: jobs, stages: summaries }, () => formatStageSummaries(summaries));
      });
    });
}

/** Asks on the terminal; without one, refuses (use --yes). */
async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY) throw new ConfigError(`${question} No terminal to ask on: pass --yes to confirm.`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new ConfigError('cancel aborted: nothing was cancelled');
}
