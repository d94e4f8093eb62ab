/** @module The documented exit codes of the `truebatch` command. */
export const ExitCode = {
  /** Everything asked for is done and valid. */
  ok: 0,
  /** Anything unexpected (a bug, or an error truebatch did not anticipate). */
  unexpected: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** Finished, but some requests were given up. */
  givenUp: 3,
  /** Stopped before submitting because a budget would be exceeded. */
  budget: 4,
  /** Detached (`--detach`) with work still pending at the provider. */
  detached: 5,
  /** Interrupted (Ctrl-C); submitted jobs keep running and the next run resumes. */
  interrupted: 130,
} as const;
