/** @module The global flags every command reads, typed. */
import type { Command } from 'commander';

/** Flags given before or after the command name. */
export interface GlobalOptions {
  project: string;
  config: string | undefined;
  provider: string | undefined;
  json: boolean;
}

/** Reads the global flags from the root program of `command`. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    project: options.project ?? '.',
    config: options.config,
    provider: options.provider,
    json: options.json ?? false,
  };
}

/** Prints `data` as JSON when `--json` is on, else the human text. */
export function printResult(options: GlobalOptions, data: unknown, human: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}
