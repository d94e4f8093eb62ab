#!/usr/bin/env node
/**
 * @module The `truebatch` command: parses argv, hands each command to its module, and is the one error boundary
 * that turns errors into messages and exit codes.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { apiKeyVariable } from '../config/index.ts';
import { ApiKeyRejectedError, TrueBatchError, filesystemErrorFrom } from '../shared/index.ts';
import { registerCommands } from './commands/index.ts';
import { ExitCode, exitProcess } from './exit-codes.ts';
import { packageVersion } from './package-version.ts';

// Planning a large corpus makes garbage that V8 promotes to the old generation, which it then lets grow to several
// times the live heap before collecting: the CLI's peak memory varied from 260 to 370 MB at 100k documents. Collecting
// at 1.5x the live heap kept it near 210 MB with the same CPU time (measured with /usr/bin/time). V8 reads this flag
// at every collection, so setting it now takes effect.
setFlagsFromString('--heap-growing-percent=50');

async function main(argv: string[]): Promise<number> {
  const program = new Command('truebatch')
    .description('Run document-processing LLM pipelines through provider batch APIs, crash-safe and exactly once.')
    .version(packageVersion(), '-V, --version', 'print the version of truebatch')
    .option('--project <dir>', 'project folder (holds truebatch.config.yaml and .truebatch/)', '.')
    .option('--config <file>', 'config file (default: truebatch.config.{yaml,yml,json,ts} in the project)')
    .option('--provider <name>', "override the config's provider: gemini, emulator, openai or openai-emulator")
    .option('--json', 'print machine-readable JSON instead of text', false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" with exit code 0 in commander's override mode.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const known = error instanceof TrueBatchError ? error : filesystemErrorFrom(error);
    if (known) {
      process.stderr.write(`truebatch: ${messageOf(known)}\n`);
      return known.exitCode;
    }
    process.stderr.write(`truebatch: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.unexpected;
  }
}

/** The error's message; a rejected key also names the variable it came from (the key itself never). */
function messageOf(error: TrueBatchError): string {
  if (!(error instanceof ApiKeyRejectedError)) return error.message;
  const variable = apiKeyVariable(process.env);
  if (variable === undefined) return `${error.message}; check the API key`;
  const wins = variable === 'GOOGLE_API_KEY' ? ' (it wins over GEMINI_API_KEY when both are set)' : '';
  return `${error.message}; the key came from ${variable}${wins}: set it to a valid key for this server`;
}

exitProcess(await main(process.argv));
