/**
 * @module Offline re-validation (`truebatch validate`): apply the stage's current validation rules to every
 * stored response, without contacting the provider. By default it only says what would change. With `apply`,
 * answers that now pass get their output written, and answers that no longer pass lose their output file and go
 * back for a new attempt on the next run (or are given up when out of attempts).
 */
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { ModelResponse } from '../providers/index.ts';
import { ensureFolder, removeOutput } from '../outputs/index.ts';
import { evaluateResult, type Verdict } from '../results/index.ts';
import { compileValidator } from '../validation/index.ts';
import { outputFile, resultRecord, writeOutputFile } from './verdicts.ts';

/** One stored answer whose verdict the current rules change. */
export interface RevalidationChange {
  key: string;
  docId: string;
  /** `now-valid`: a rejected answer passes now; `now-invalid`: a valid answer fails now (its output goes). */
  change: 'now-valid' | 'now-invalid';
  /** Why it fails now (empty for `now-valid`). */
  reason: string;
  /** The output file a `now-invalid` answer has (removed when applied). */
  outputPath: string | null;
}

/** What re-validation found (and, when applied, changed) in one stage. */
export interface RevalidationSummary {
  stage: string;
  checked: number;
  nowValid: number;
  nowInvalid: number;
  unchanged: number;
  changes: RevalidationChange[];
}

/** Options for {@link revalidate}. */
export interface RevalidateOptions {
  /** Record the new verdicts, write and remove outputs. Otherwise nothing is changed. @default false */
  apply?: boolean;
}

/** Re-validates every stored response of `stages` with the current rules; changes things only with `apply`. */
export function revalidate(ledger: Ledger, stages: readonly StageConfig[], options: RevalidateOptions = {}): RevalidationSummary[] {
  const summaries: RevalidationSummary[] = [];
  for (const stage of stages) {
    const summary: RevalidationSummary = { stage: stage.name, checked: 0, nowValid: 0, nowInvalid: 0, unchanged: 0, changes: [] };
    const validator = compileValidator(stage.validation);
    // Collect first: the ledger cannot be written while a statement is still iterating over it.
    const attempts = [...ledger.latestResponses(stage.name)];
    for (const attempt of attempts) {
      const stored = JSON.parse(attempt.response) as ModelResponse | { code: number } | null;
      if (stored === null || !('raw' in stored)) continue; // provider errors have nothing to re-validate
      summary.checked++;
      const item = { kind: 'response' as const, key: attempt.key, lineNumber: 0, response: stored };
      const verdict = evaluateResult(item, validator);
      const wasValid = attempt.requestState === 'valid';
      if ((verdict.status === 'valid') === wasValid) {
        summary.unchanged++;
        continue;
      }
      if (verdict.status === 'valid') summary.nowValid++;
      else summary.nowInvalid++;
      summary.changes.push({
        key: attempt.key,
        docId: attempt.docId,
        change: verdict.status === 'valid' ? 'now-valid' : 'now-invalid',
        reason: reasonOf(verdict),
        outputPath: verdict.status === 'valid' ? null : attempt.outputPath,
      });
      if (!options.apply) continue;
      if (verdict.status === 'valid') ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
      const output = verdict.status === 'valid'
        ? writeOutputFile(outputFile(stage, attempt.docId, attempt.key, verdict.output, attempt.finishedAt ?? 0))
        : undefined;
      // Removed before the rejection is recorded: after a crash in between, the next run finds the recorded output
      // missing, cannot rebuild it from an answer that fails the rules, and says to run validate --apply again.
      if (verdict.status !== 'valid' && attempt.outputPath !== null) removeOutput(attempt.outputPath, stage.output.dir);
      ledger.reviseResult(attempt.id, resultRecord(stage, item, verdict, output));
    }
    summaries.push(summary);
  }
  return summaries;
}

/** Why a verdict is not valid, in the words the ledger records ('' for a valid one). */
function reasonOf(verdict: Verdict): string {
  if (verdict.status === 'valid') return '';
  if (verdict.status === 'failed') return verdict.message;
  return verdict.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.message).join('; ');
}
