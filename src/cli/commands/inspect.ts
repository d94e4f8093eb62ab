/** @module `truebatch status`, `jobs` and `validate`: read (and re-validate) the ledger without a provider. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { openProjectLedger, revalidate, stateDirOf, summarizeStages } from '../../engine/index.ts';
import { acquireProjectLock, type Ledger } from '../../ledger/index.ts';
import type { ProjectConfig } from '../../config/index.ts';
import { formatStageSummaries, table } from '../format.ts';
import { globalOptions, printResult, type GlobalOptions } from '../global-options.ts';
import { loadConfigFromFlags } from '../load-config.ts';
import { stagesFromFlag } from '../project-session.ts';

async function withLedger<T>(
  options: GlobalOptions,
  locked: boolean,
  work: (ledger: Ledger, config: ProjectConfig) => Promise<T> | T,
): Promise<T> {
  const config = await loadConfigFromFlags(options);
  const lock = locked ? acquireProjectLock(join(stateDirOf(config), 'lock')) : undefined;
  const ledger = openProjectLedger(config);
  try {
    return await work(ledger, config);
  } finally {
    ledger.close();
    lock?.release();
  }
}

/** Registers `status`, `jobs` and `validate`. */
export function registerInspectCommands(program: Command): void {
  program
    .command('status')
    .description('per stage: requests valid, in flight, pending and given up; invalid and excluded documents')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, (ledger, config) => {
        const names = stagesFromFlag(config, flags.stage).map((stage) => stage.name);
        const stages = summarizeStages(ledger, names);
        const jobs = ledger.jobs().filter((job) => names.includes(job.stage) && job.state !== 'collected');
        printResult(options, { stages, liveJobs: jobs }, () => {
          const live = jobs.map((job) => [job.display_name, job.state, job.remote_name ?? '-', `${job.succeeded_count + job.failed_count}/${job.request_count}`]);
          return formatStageSummaries(stages) + (live.length > 0 ? `\n\n${table([['job', 'state', 'remote', 'done'], ...live])}` : '');
        });
      });
    });

  program
    .command('jobs')
    .description('every batch job of the project, with its state and counts')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, (ledger, config) => {
        const names = stagesFromFlag(config, flags.stage).map((stage) => stage.name);
        const jobs = ledger.jobs().filter((job) => names.includes(job.stage));
        printResult(options, { jobs }, () =>
          jobs.length === 0
            ? 'No jobs yet.'
            : table([
                ['job', 'stage', 'state', 'remote', 'requests', 'succeeded', 'failed', 'polls', 'error'],
                ...jobs.map((job) => [job.display_name, job.stage, job.state, job.remote_name ?? '-', job.request_count,
                  job.succeeded_count, job.failed_count, job.polls, job.error ?? '']),
              ]),
        );
      });
    });

  program
    .command('validate')
    .description('re-run validation on every stored response with the current rules (offline, submits nothing)')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, true, async (ledger, config) => {
        const summaries = await revalidate(ledger, stagesFromFlag(config, flags.stage));
        printResult(options, { stages: summaries }, () =>
          table([
            ['stage', 'checked', 'now valid', 'now invalid', 'unchanged'],
            ...summaries.map((s) => [s.stage, s.checked, s.nowValid, s.nowInvalid, s.unchanged]),
          ]) + '\nRequests that are no longer valid are resubmitted by the next `truebatch run`.',
        );
      });
    });
}
