/**
 * @module Offline re-validation (`truebatch validate`): apply the stage's current validation rules to every
 * stored response, without contacting the provider. Answers that now pass get their output written; answers
 * that no longer pass lose their output file and go back for a new attempt on the next run (or are given up when
 * out of attempts).
 */
import type { StageConfig } from '../config/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { ModelResponse } from '../providers/index.ts';
import { ensureFolder, removeOutput } from '../outputs/index.ts';
import { evaluateResult } from '../results/index.ts';
import { compileValidator } from '../validation/index.ts';
import { outputFile, resultRecord, writeOutputFile } from './verdicts.ts';

/** What re-validation changed in one stage. */
export interface RevalidationSummary {
  stage: string;
  checked: number;
  nowValid: number;
  nowInvalid: number;
  unchanged: number;
}

/** Re-validates every stored response of `stages` with the current rules. */
export function revalidate(ledger: Ledger, stages: readonly StageConfig[]): RevalidationSummary[] {
  const summaries: RevalidationSummary[] = [];
  for (const stage of stages) {
    const summary: RevalidationSummary = { stage: stage.name, checked: 0, nowValid: 0, nowInvalid: 0, unchanged: 0 };
    const validator = compileValidator(stage.validation);
    // Collect first: the ledger cannot be written while a statement is still iterating over it.
    const attempts = [...ledger.latestResponses(stage.name)];
    for (const attempt of attempts) {
      const stored = JSON.parse(attempt.response ?? 'null') as ModelResponse | { code: number } | null;
      if (stored === null || !('raw' in stored)) continue; // provider errors have nothing to re-validate
      summary.checked++;
      const verdict = evaluateResult({ kind: 'response', key: attempt.key, lineNumber: 0, response: stored }, validator);
      const wasValid = attempt.request_state === 'valid';
      if ((verdict.status === 'valid') === wasValid) {
        summary.unchanged++;
        continue;
      }
      const item = { kind: 'response' as const, key: attempt.key, lineNumber: 0, response: stored };
      if (verdict.status === 'valid') ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
      const output = verdict.status === 'valid'
        ? writeOutputFile(outputFile(stage, attempt.doc_id, attempt.key, verdict.output, attempt.finished_at ?? 0))
        : undefined;
      // Removed before the rejection is recorded: after a crash in between, the next run finds the recorded output
      // missing, cannot rebuild it from an answer that fails the rules, and says to run validate again.
      if (verdict.status !== 'valid' && attempt.output_path !== null) removeOutput(attempt.output_path, stage.output.dir);
      ledger.reviseResult(attempt.id, resultRecord(stage, item, verdict, output));
      if (verdict.status === 'valid') summary.nowValid++;
      else summary.nowInvalid++;
    }
    summaries.push(summary);
  }
  return summaries;
}
