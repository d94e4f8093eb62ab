/** @module Opening a project for a command and always closing it: config, lock, ledger, provider, progress. */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { openProject, type OpenProject } from '../create-truebatch.ts';
import { selectStages } from '../engine/index.ts';
import { ledgerError, type Ledger } from '../ledger/index.ts';
import { CancelledError, ConfigError } from '../shared/index.ts';
import type { GlobalOptions } from './global-options.ts';
import { interruptSignal, loadConfigFromFlags } from './load-config.ts';
import { createProgressReporter, type ProgressReporter } from './progress-reporter.ts';

/** The stages `--stage` names (all when unset); an unknown name is a usage error. */
export function stagesFromFlag(config: ProjectConfig, stageName: string | undefined): readonly StageConfig[] {
  const stages = selectStages(config, stageName);
  if (stages.length === 0) {
    throw new ConfigError(`no stage named ${stageName ?? ''}; stages: ${config.stages.map((s) => s.name).join(', ')}`);
  }
  return stages;
}

/**
 * Throws ConfigError when a selected stage takes its documents from a stage that is not selected and has never been
 * run in this project (no request and no corpus problem recorded): nothing could enter it, and `--stage` alone would
 * end at once having done nothing.
 */
export function requireUpstreamsRun(ledger: Ledger, stages: readonly StageConfig[]): void {
  const selected = new Set(stages.map((stage) => stage.name));
  for (const stage of stages) {
    if (stage.input.kind !== 'stage' || selected.has(stage.input.stage)) continue;
    const upstream = stage.input.stage;
    const ran = Object.values(ledger.requestCounts(upstream)).some((count) => count > 0) || ledger.documents.issues(upstream).length > 0;
    if (ran) continue;
    throw new ConfigError(
      `stage ${stage.name} takes its documents from ${upstream}, which has not been run in this project yet: ` +
        `run without --stage, or with --stage ${upstream} first`,
    );
  }
}

/**
 * Runs `work` on the opened project, then closes it whatever happens. `work` stops the `progress` bars before it
 * prints its result (they would redraw over it); they are stopped at the end in any case.
 */
export async function withOpenProject<T>(
  options: GlobalOptions,
  work: (project: OpenProject, config: ProjectConfig, progress: Pick<ProgressReporter, 'stop'>) => Promise<T>,
): Promise<T> {
  const config = await loadConfigFromFlags(options);
  const reporter = createProgressReporter({ interactive: process.stderr.isTTY && !options.json });
  const signal = interruptSignal(
    () => new CancelledError('interrupted. Submitted jobs keep running at the provider; run `truebatch run` again to resume.'),
  );
  const project = await openProject(config, { reporter, signal, failpoint: process.env['TRUEBATCH_FAILPOINT'] });
  try {
    for (const { notice } of project.connections) if (notice !== undefined) reporter.notice(notice);
    return await work(project, config, reporter);
  } catch (error) {
    throw ledgerError(project.context.ledger.path, error);
  } finally {
    reporter.stop();
    await project.close();
  }
}
