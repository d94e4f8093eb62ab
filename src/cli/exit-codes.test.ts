import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, finishedExitCode } from './exit-codes.ts';
import { BudgetError, CancelledError, CanaryError, ConfigError, LockedError, ProviderError, ApiKeyRejectedError, ProviderUnreachableError } from '../shared/index.ts';

/** The codes in the README's "Exit codes" table, in order. */
function readmeExitCodes(): number[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('### Exit codes')[1]?.split('\n### ')[0] ?? '';
  return [...section.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
}

describe('exit codes', () => {
  it('the README documents exactly the codes of the ExitCode table, in order', () => {
    const documented = readmeExitCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect(documented).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('errors take their codes from the table', () => {
    expect(new ConfigError('x').exitCode).toBe(ExitCode.usage);
    expect(new LockedError('x').exitCode).toBe(ExitCode.usage);
    expect(new BudgetError('x').exitCode).toBe(ExitCode.budget);
    expect(new CanaryError('x').exitCode).toBe(ExitCode.canary);
    expect(new CancelledError('x').exitCode).toBe(ExitCode.interrupted);
    expect(new ProviderUnreachableError('x', 0).exitCode).toBe(ExitCode.providerUnreachable);
    expect(new ProviderError('gemini', 'x', { isRetryable: false }).exitCode).toBe(ExitCode.unexpected);
    const rejected = new ApiKeyRejectedError('gemini', 'x', { status: 403 });
    expect(rejected).toBeInstanceOf(ProviderError);
    expect([rejected.exitCode, rejected.code, rejected.isRetryable]).toEqual([ExitCode.usage, 'api-key', false]);
  });

  it('a finished command: detached, then given up, then invalid documents, else 0', () => {
    expect(finishedExitCode({ detached: true, givenUp: 2, invalidDocuments: 1 })).toBe(ExitCode.detached);
    expect(finishedExitCode({ givenUp: 2, invalidDocuments: 1 })).toBe(ExitCode.givenUp);
    expect(finishedExitCode({ givenUp: 0, invalidDocuments: 1 })).toBe(ExitCode.invalidDocuments);
    expect(finishedExitCode({ detached: false, givenUp: 0, invalidDocuments: 0 })).toBe(ExitCode.ok);
  });
});
