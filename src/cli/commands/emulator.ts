/**
 * @module `truebatch emulator`: serves the local Gemini Batch API emulator on a port until SIGINT/SIGTERM, and
 * prints exactly one line once it accepts connections. The API key (flag or TRUEBATCH_EMULATOR_API_KEY) is
 * never printed.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
// The schema alone, not the emulator's index: the server loads only when this command runs.
import { faultConfigSchema, type FaultConfig } from '../../emulator/faults.ts';
import { ConfigError, errorMessage } from '../../shared/index.ts';
import { globalOptions } from '../global-options.ts';

interface EmulatorFlags {
  host: string;
  port: string;
  apiKey?: string;
  faults?: string;
  jobDuration?: string;
  seed: string;
  stateDir?: string;
}

/** The API whose base URL the listening line names (the SDK's base URL: ANTHROPIC_BASE_URL for anthropic). */
const PROVIDER_URLS = {
  gemini: (emulator: { url: string }) => emulator.url,
  emulator: (emulator: { url: string }) => emulator.url,
  anthropic: (emulator: { anthropicUrl: string }) => emulator.anthropicUrl,
} as const;

function providerFlag(raw: string): keyof typeof PROVIDER_URLS {
  if (!Object.hasOwn(PROVIDER_URLS, raw)) throw new ConfigError(`--provider must be one of ${Object.keys(PROVIDER_URLS).join(', ')}, got "${raw}"`);
  return raw as keyof typeof PROVIDER_URLS;
}

function integerFlag(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** Reads and validates a fault script; errors name the file and the offending path. */
async function readFaultsFile(file: string): Promise<FaultConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the faults file: ${errorMessage(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: the faults file is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  const parsed = faultConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid fault script'}`);
  }
  return parsed.data;
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Registers `truebatch emulator`. */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('serve the local Gemini Batch API emulator (for the SDK, curl, or truebatch with --provider gemini and GOOGLE_GEMINI_BASE_URL)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8787')
    .option('--api-key <key>', 'require this API key (default: $TRUEBATCH_EMULATOR_API_KEY, else no key)')
    .option('--faults <file>', 'JSON fault script (lines, output, jobs, http, rejectMimeTypes)')
    .option('--job-duration <ms>', 'how long a job runs once started (0 = as fast as possible)')
    .option('--seed <n>', 'seed of the simulated model and of every fault', '0')
    .option('--state-dir <dir>', 'keep files and jobs in this folder across restarts (default: a temp folder, removed on exit)')
    .action(async (flags: EmulatorFlags, command: Command) => {
      // The global --provider picks whose base URL the line prints: gemini (default), or anthropic (<url>/anthropic,
      // for ANTHROPIC_BASE_URL); every API is served either way.
      const provider = providerFlag(globalOptions(command).provider ?? 'gemini');
      const port = integerFlag('--port', flags.port, 0, 65535);
      const seed = integerFlag('--seed', flags.seed, 0);
      const jobDurationMs = flags.jobDuration === undefined ? undefined : integerFlag('--job-duration', flags.jobDuration, 0);
      const faults = flags.faults === undefined ? undefined : await readFaultsFile(flags.faults);
      const apiKey = flags.apiKey ?? process.env['TRUEBATCH_EMULATOR_API_KEY'];
      const stopped = waitForStopSignal();
      // Loaded only for this command, so other commands start without the server.
      const { startEmulator } = await import('../../emulator/index.ts');
      const persisted = flags.stateDir === undefined ? {} : { storageDir: resolve(flags.stateDir), persist: true };
      const emulator = await startEmulator({ host: flags.host, port, seed, apiKey, jobDurationMs, faults, ...persisted });
      process.stdout.write(`truebatch emulator listening on ${PROVIDER_URLS[provider](emulator)}\n`);
      await stopped;
      await emulator.close();
    });
}
