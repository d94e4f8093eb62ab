/**
 * @module The one table of the `truebatch` command's exit codes. The README's table is checked against it by a test,
 * and errors (src/shared/errors.ts) take their codes from it. It imports nothing, so any layer may read it.
 *
 * When several apply, the first in this order wins: an error that stops the command (130, 2, 4, 6, 8, 1), then
 * 5 detached, 3 given up, 7 invalid documents; 0 only when none applies.
 */
export const ExitCode = {
  /** Everything asked for is done and valid. */
  ok: 0,
  /** Anything unexpected (a bug, or an error truebatch did not anticipate). */
  unexpected: 1,
  /** Bad usage or configuration, including an API key the provider rejects. */
  usage: 2,
  /** Finished, but some requests were given up. */
  givenUp: 3,
  /** Stopped before submitting (or, for `audit`, before an interactive call) because a budget would be exceeded. */
  budget: 4,
  /** Detached (`--detach`) with work still pending at the provider. */
  detached: 5,
  /** A stage's canary batch fell below its valid rate; the rest of the stage was not submitted. */
  canary: 6,
  /** Finished (or planned), but some documents could not become requests: invalid files, missing fields, id clashes. */
  invalidDocuments: 7,
  /** No call to the provider succeeded for `resilience.patienceMs`; nothing is lost, and running again resumes. */
  providerUnreachable: 8,
  /** Interrupted (Ctrl-C); submitted jobs keep running and the next run resumes. */
  interrupted: 130,
} as const;

/** One of the documented exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a command that finished: 5 detached, else 3 given up, else 7 invalid documents, else 0.
 * Errors that stop a command earlier carry their own code (see {@link ExitCode}).
 */
export function finishedExitCode(outcome: { detached?: boolean; givenUp?: number; invalidDocuments: number }): ExitCodeValue {
  if (outcome.detached === true) return ExitCode.detached;
  if ((outcome.givenUp ?? 0) > 0) return ExitCode.givenUp;
  if (outcome.invalidDocuments > 0) return ExitCode.invalidDocuments;
  return ExitCode.ok;
}

/** Ends the process with `code`: the one place truebatch exits (the error boundary, and a second Ctrl-C). */
export function exitProcess(code: number): never {
  process.exit(code);
}
