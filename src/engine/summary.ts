/**
 * @module Per-stage summaries read from the ledger: what `run` prints at the end and `status` prints any time.
 */
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { MissingPlaceholder } from '../requests/index.ts';
import { stageDocumentProblems } from './document-problems.ts';

/** One stage's state of play. */
export interface StageSummary {
  stage: string;
  requests: number;
  valid: number;
  pending: number;
  inJob: number;
  givenUp: number;
  /** Valid requests served from an earlier identical answer, without a submission. */
  cached: number;
  /** Upstream requests still on their way: their documents enter this stage later. */
  waitingOnUpstream: number;
  /** Upstream requests given up: their documents never enter this stage. */
  blockedByUpstream: number;
  excluded: number;
  invalidDocuments: number;
  jobs: { total: number; live: number; collected: number };
  attempts: number;
  tokens: { prompt: number; output: number; thoughts: number };
  givenUpRequests: { key: string; attempts: number; reason: string }[];
  corpusIssues: { path: string; kind: string; reason: string }[];
  /** Placeholders (nearly) every document lacks: said once, and left out of the per-document list when displayed. */
  missingPlaceholders: MissingPlaceholder[];
}

/** Reads the summary of each stage. */
export function summarizeStages(ledger: Ledger, stageConfigs: readonly StageConfig[]): StageSummary[] {
  return stageConfigs.map((config) => {
    const stage = config.name;
    const upstream = config.input.kind === 'stage' ? ledger.requestCounts(config.input.stage) : undefined;
    const cached = ledger.db
      .prepare("SELECT COUNT(*) AS n FROM requests WHERE stage = ? AND state = 'valid' AND cached_from IS NOT NULL")
      .get(stage) as { n: number };
    const counts = ledger.requestCounts(stage);
    const jobs = ledger.jobs({ stage });
    const issues = ledger.corpusIssues(stage);
    const invalid = issues.filter((issue) => issue.kind === 'invalid');
    const usage = ledger.db
      .prepare(
        `SELECT COUNT(*) AS attempts, COALESCE(SUM(a.prompt_tokens), 0) AS prompt, COALESCE(SUM(a.output_tokens), 0) AS output,
           COALESCE(SUM(a.thoughts_tokens), 0) AS thoughts
         FROM attempts a JOIN requests r ON r.id = a.request_id WHERE r.stage = ?`,
      )
      .get(stage) as { attempts: number; prompt: number; output: number; thoughts: number };
    return {
      stage,
      requests: counts.pending + counts.in_job + counts.valid + counts.given_up,
      valid: counts.valid,
      pending: counts.pending,
      inJob: counts.in_job,
      givenUp: counts.given_up,
      cached: cached.n,
      waitingOnUpstream: upstream ? upstream.pending + upstream.in_job : 0,
      blockedByUpstream: upstream ? upstream.given_up : 0,
      excluded: issues.filter((issue) => issue.kind === 'excluded').length,
      invalidDocuments: invalid.length,
      jobs: {
        total: jobs.length,
        live: jobs.filter((job) => job.state !== 'collected').length,
        collected: jobs.filter((job) => job.state === 'collected').length,
      },
      attempts: usage.attempts,
      tokens: { prompt: usage.prompt, output: usage.output, thoughts: usage.thoughts },
      givenUpRequests: ledger.givenUpRequests(stage).map((request) => ({
        key: request.key,
        attempts: request.attempts,
        reason: request.last_reason ?? 'unknown',
      })),
      corpusIssues: issues,
      missingPlaceholders: stageDocumentProblems(config, counts.pending + counts.in_job + counts.valid + counts.given_up + invalid.length, invalid)
        .missingPlaceholders,
    };
  });
}
