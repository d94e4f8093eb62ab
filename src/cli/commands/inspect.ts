/** @module `truebatch status`, `jobs` and `validate`: read the ledger without a provider (`validate --apply` also records new verdicts). */
import type { Command } from 'commander';
import { revalidate, summarizeStages, type RevalidationSummary } from '../../engine/index.ts';
import { systemClock } from '../../shared/index.ts';
import { formatStageSummaries, table } from '../format.ts';
import { globalOptions, printResult } from '../global-options.ts';
import { withLedger } from '../ledger-session.ts';
import { stagesFromFlag } from '../project-session.ts';

/** Registers `status`, `jobs` and `validate`. */
export function registerInspectCommands(program: Command): void {
  program
    .command('status')
    .description('per stage: requests valid, in flight, pending and given up; invalid and excluded documents')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, (ledger, config) => {
        const selected = stagesFromFlag(config, flags.stage);
        const names = selected.map((stage) => stage.name);
        const stages = summarizeStages(ledger, selected);
        const now = systemClock.now();
        const jobs = ledger
          .jobs()
          .filter((job) => names.includes(job.stage) && job.state !== 'collected')
          .map((job) => ({
            ...job,
            // Stale: still PENDING long after submission. Reported, never cancelled automatically.
            stale: job.state === 'pending' && now - (job.submitted_at ?? job.created_at) > config.polling.staleAfterMs,
          }));
        printResult(options, { stages, liveJobs: jobs }, () => {
          const live = jobs.map((job) => [
            job.display_name, job.stale ? 'pending (STALE)' : job.state, job.remote_name ?? '-',
            `${job.succeeded_count + job.failed_count}/${job.request_count}`,
          ]);
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
    .description(
      'check every stored response against the current rules, offline; lists what would become valid or invalid ' +
        'and changes nothing unless --apply is given',
    )
    .option('--stage <name>', 'only this stage')
    .option('--apply', 'record the new verdicts: write outputs that pass now, remove outputs that fail now', false)
    .action(async (flags: { stage?: string; apply: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, flags.apply, (ledger, config) => {
        const summaries = revalidate(ledger, stagesFromFlag(config, flags.stage), { apply: flags.apply });
        printResult(options, { applied: flags.apply, stages: summaries }, () => describeRevalidation(summaries, flags.apply));
      });
    });
}

/** The human text of `validate`: the counts, each change with its reason, and what happens next. */
function describeRevalidation(summaries: readonly RevalidationSummary[], applied: boolean): string {
  const counts = table([
    ['stage', 'checked', applied ? 'now valid' : 'would become valid', applied ? 'now invalid' : 'would become invalid', 'unchanged'],
    ...summaries.map((s) => [s.stage, s.checked, s.nowValid, s.nowInvalid, s.unchanged]),
  ]);
  const changes = summaries.flatMap((s) => s.changes.map((change) => ({ stage: s.stage, ...change })));
  if (changes.length === 0) return `${counts}\nEvery stored answer keeps its verdict under the current rules.`;
  const rows = changes.map((c) => [c.stage, c.key, c.change === 'now-valid' ? 'valid' : 'invalid', c.reason]);
  const list = table([['stage', 'key', applied ? 'now' : 'would become', 'reason'], ...rows]);
  const next = applied
    ? 'Requests that are no longer valid are resubmitted by the next `truebatch run`.'
    : `Nothing was changed. \`truebatch validate --apply\` records these ${changes.length} verdict(s): ` +
      'outputs that fail now are removed (their requests are resubmitted by the next `truebatch run`), outputs that pass now are written.';
  return `${counts}\n\n${list}\n${next}`;
}
