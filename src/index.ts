/**
 * @module truebatch's public library surface: load a project, run it, inspect it, and serve the emulator.
 * @example
 * ```ts
 * import { loadProjectConfig, openProject, runPipeline, loggerReporter, createLogger } from 'truebatch';
 * const config = await loadProjectConfig({ projectDir: 'examples/soil-k', env: process.env });
 * const project = await openProject(config, { reporter: loggerReporter(createLogger({})), signal: new AbortController().signal });
 * try {
 *   const outcome = await runPipeline(project.context, config.stages);
 *   console.log(outcome.stages);
 * } finally {
 *   await project.close();
 * }
 * ```
 */
export { loadProjectConfig, defineConfig } from './config/index.ts';
export type { ProjectConfig, StageConfig } from './config/index.ts';
export { openProject, openProjectLedger } from './create-truebatch.ts';
export type { OpenProject, OpenProjectOptions } from './create-truebatch.ts';
export {
  runPipeline,
  summarizeStages,
  collectFinished,
  cancelJobs,
  revalidate,
  loggerReporter,
} from './engine/index.ts';
export type { RunOutcome, StageSummary, RunReporter } from './engine/index.ts';
export { createEmulator, startEmulator } from './emulator/index.ts';
export type { EmulatorOptions, RunningEmulator, EmulatorStats, FaultConfigInput } from './emulator/index.ts';
export type { BatchProvider, ProviderCapabilities, ProviderLimits, RemoteJob, ResultItem } from './providers/index.ts';
export { createLogger, TrueBatchError, ConfigError, InputError, ProviderError, ApiKeyRejectedError, NotFoundError } from './shared/index.ts';
