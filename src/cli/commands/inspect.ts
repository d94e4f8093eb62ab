/** @module `truebatch status`, `jobs` and `validate`: read the ledger without a provider (`validate --apply` also records new verdicts). */
import type { Command } from 'commander';
import { revalidate, summarizeStages, type RevalidationSummary } from '../../engine/index.ts';
import type { JobLineCounts } from '../../ledger/index.ts';
import { systemClock } from '../../shared/index.ts';
import { doneText, formatStageSummaries, table } from '../format.ts';
import { healthText } from '../format-outcome.ts';
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
      await withLedger(options, false, (ledger, config, session) => {
        const selected = stagesFromFlag(config, flags.stage);
        const names = selected.map((stage) => stage.name);
        const stages = summarizeStages(ledger, selected, session.prices);
        const now = systemClock.now();
        const jobs = ledger
          .jobs()
          .filter((job) => names.includes(job.stage) && job.state !== 'collected')
          .map((job) => ({
            ...job,
            // Stale: still PENDING long after submission. Reported, never cancelled automatically.
            stale: job.state === 'pending' && now - (job.submitted_at ?? job.created_at) > config.polling.staleAfterMs,
          }));
        const providerHealth = ledger.providerHealth.state();
        printResult(options, { stages, liveJobs: jobs, providerHealth }, () => {
          const live = jobs.map((job) => [
            job.display_name, job.stale ? 'pending (STALE)' : job.state, job.remote_name ?? '-',
            `${doneText(job)}/${job.request_count}`,
          ]);
          const health = healthText(providerHealth);
          return (health === undefined ? '' : `${health}\n\n`) + formatStageSummaries(stages) +
            (live.length > 0 ? `\n\n${table([['job', 'state', 'remote', 'done'], ...live])}` : '');
        });
      });
    });

  program
    .command('jobs')
    .description('every batch job with its state, valid answers, rejected answers, provider-failed and missing lines')
    .option('--stage <name>', 'only this stage')
    .action(async (flags: { stage?: string }, command: Command) => {
      const options = globalOptions(command);
      await withLedger(options, false, (ledger, config) => {
        const names = stagesFromFlag(config, flags.stage).map((stage) => stage.name);
        const lines = ledger.outcomes.jobLineCounts();
        // `lines`: the job's answers by verdict, from the ledger once collected. The provider's own counts
        // (succeeded_count, failed_count) call an answer that failed validation a success.
        const jobs = ledger.jobs().filter((job) => names.includes(job.stage))
          .map((job) => ({ ...job, lines: lines.get(job.id) ?? NO_LINES }));
        printResult(options, { jobs }, () =>
          jobs.length === 0
            ? 'No jobs yet.'
            : table([
                ['job', 'stage', 'state', 'remote', 'requests', 'valid', 'answers rejected', 'provider failed', 'missing', 'polls', 'error'],
                ...jobs.map((job) => [job.display_name, job.stage, job.state, job.remote_name ?? '-', job.request_count,
                  job.lines.valid, job.lines.rejected, providerFailed(job), job.lines.missing, job.polls, job.error ?? '']),
              ]) + '\nanswers rejected: the answer came back but failed validation (invalid JSON, a broken rule, truncated, empty, ' +
              'blocked); provider failed: the provider returned an error for the line.',
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

const NO_LINES: JobLineCounts = { valid: 0, rejected: 0, providerFailed: 0, missing: 0, open: 0 };

/** Error lines as the ledger recorded them once collected; before that, the provider's live count. */
function providerFailed(job: { state: string; failed_count: number; lines: JobLineCounts }): number {
  return job.state === 'collected' ? job.lines.providerFailed : job.failed_count;
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
