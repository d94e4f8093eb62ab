/** @module Opening a project for a command and always closing it: config, lock, ledger, provider, progress. */
import type { ProjectConfig, StageConfig } from '../config/index.ts';
import { openProject, selectStages, type OpenProject } from '../engine/index.ts';
import { ledgerError } from '../ledger/index.ts';
import { CancelledError, ConfigError } from '../shared/index.ts';
import type { GlobalOptions } from './global-options.ts';
import { interruptSignal, loadConfigFromFlags } from './load-config.ts';
import { createProgressReporter } from './progress-reporter.ts';

/** The stages `--stage` names (all when unset); an unknown name is a usage error. */
export function stagesFromFlag(config: ProjectConfig, stageName: string | undefined): readonly StageConfig[] {
  const stages = selectStages(config, stageName);
  if (stages.length === 0) {
    throw new ConfigError(`no stage named ${stageName ?? ''}; stages: ${config.stages.map((s) => s.name).join(', ')}`);
  }
  return stages;
}

/** Runs `work` on the opened project, then closes it whatever happens. */
export async function withOpenProject<T>(
  options: GlobalOptions,
  work: (project: OpenProject, config: ProjectConfig) => Promise<T>,
): Promise<T> {
  const config = await loadConfigFromFlags(options);
  const reporter = createProgressReporter({ interactive: process.stderr.isTTY && !options.json });
  const signal = interruptSignal(
    () => new CancelledError('interrupted. Submitted jobs keep running at the provider; run `truebatch run` again to resume.'),
  );
  const project = await openProject(config, { reporter, signal, failpoint: process.env['TRUEBATCH_FAILPOINT'] });
  try {
    if (project.connection.emulator) {
      reporter.notice(`Using the embedded emulator at ${project.connection.emulator.url}: the model is simulated, not a real LLM.`);
    }
    return await work(project, config);
  } catch (error) {
    throw ledgerError(project.context.ledger.path, error);
  } finally {
    reporter.stop();
    await project.close();
  }
}
