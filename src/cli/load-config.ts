/** @module Loads the project config from the global flags and the process environment (the CLI's edge). */
import { resolve } from 'node:path';
import { loadProjectConfig, type ProjectConfig } from '../config/index.ts';
import { ExitCode, exitProcess } from './exit-codes.ts';
import type { GlobalOptions } from './global-options.ts';

/** The resolved config for the project the flags name. */
export function loadConfigFromFlags(options: GlobalOptions): Promise<ProjectConfig> {
  return loadProjectConfig({
    projectDir: resolve(process.cwd(), options.project),
    ...(options.config === undefined ? {} : { configFile: resolve(process.cwd(), options.config) }),
    ...(options.provider === undefined ? {} : { providerOverride: options.provider }),
    env: process.env,
  });
}

/** An AbortSignal that fires on the first Ctrl-C / SIGTERM; a second one exits at once. */
export function interruptSignal(reason: () => Error): AbortSignal {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) exitProcess(ExitCode.interrupted);
    controller.abort(reason());
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return controller.signal;
}
