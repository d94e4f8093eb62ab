/**
 * @module Runs the real `truebatch` CLI as a child process (through tsx, from source), the way a user does.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cliEntry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The command line that starts `truebatch <args>` from source, the one way every test launches the CLI. */
export function cliCommand(args: readonly string[]): string[] {
  return [process.execPath, '--import', 'tsx', cliEntry, ...args];
}

/** A clean environment (no inherited keys, so no API key leaks in) plus `env`. */
export function cliEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env };
}

/** The folder every CLI test runs in. */
export const cliCwd = repoRoot;

/** What a CLI run left behind. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process still running, and its eventual result. */
export interface RunningCli {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** The first line printed on stdout (without its newline), or what was printed if the process ended first. */
  firstLine(): Promise<string>;
  done: Promise<CliResult>;
}

/** Starts `truebatch <args>`. `env` is added to a clean environment (no inherited keys). */
export function startCli(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  const [command = process.execPath, ...commandArgs] = cliCommand(args);
  return startProcess(command, commandArgs, { cwd: repoRoot, env: cliEnv(env) });
}

/** Starts any command (an installed `truebatch`, npm) with exactly `env`, collecting what it prints. */
export function startProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningCli {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const firstLine = (): Promise<string> =>
    new Promise((resolve) => {
      const check = (): void => {
        const newline = stdout.indexOf('\n');
        if (newline >= 0) {
          child.stdout.off('data', check);
          resolve(stdout.slice(0, newline));
        }
      };
      child.stdout.on('data', check);
      check();
      void done.then(() => resolve(stdout), () => resolve(stdout));
    });
  return { child, stdout: () => stdout, stderr: () => stderr, firstLine, done };
}

/** Runs `truebatch <args>` to completion. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}
