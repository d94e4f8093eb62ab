/**
 * @module Restoring outputs from the ledger. Outputs are written without a disk flush per file (that flush was most
 * of the cost of collecting); instead the ledger keeps every answer and the size of each output as written, and a
 * run first rewrites any output that is missing or not that size: lost to a power cut, deleted or edited by hand.
 * Nothing is asked of the provider. A rewritten output goes to the stage's current output folder, so moving the
 * folder in the config and deleting the old one loses nothing.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { StageConfig } from '../config/index.ts';
import type { Ledger, RecordedOutput } from '../ledger/index.ts';
import { ensureFolder, resolveInside } from '../outputs/index.ts';
import type { ModelResponse } from '../providers/index.ts';
import { evaluateResult } from '../results/index.ts';
import { compileValidator, type Validator } from '../validation/index.ts';
import type { EngineContext } from './context.ts';
import { stageOutputFileAt, writeOutputFile, type OutputFile } from './verdicts.ts';

/** What restoring found in one stage. */
export interface RestoreSummary {
  stage: string;
  /** Outputs rewritten from their stored answer. */
  restored: number;
  /** Outputs missing or damaged whose stored answer no longer passes the stage's rules (`truebatch validate --apply`). */
  unrestorable: string[];
}

/** Rewrites every missing or damaged output of `stages`; reports what it did. */
export function restoreOutputs(context: EngineContext, stages: readonly StageConfig[]): RestoreSummary[] {
  const { ledger } = context;
  const summaries: RestoreSummary[] = [];
  for (const stage of stages) {
    // Gathered first: the ledger cannot be written while a statement iterates over it. Only damaged ones are kept.
    const damaged: RecordedOutput[] = [];
    for (const output of ledger.outputs.recorded(stage.name)) if (isDamaged(output)) damaged.push(output);
    if (damaged.length === 0) continue;
    const summary: RestoreSummary = { stage: stage.name, restored: 0, unrestorable: [] };
    ensureFolder(stage.output.dir, `output folder of ${stage.name}`);
    const validator = compileValidator(stage.validation);
    for (const output of damaged) {
      const file = restoredOutput(ledger, stage, validator, output);
      if (!file) {
        summary.unrestorable.push(output.path);
        continue;
      }
      ledger.outputs.record(output.requestId, writeOutputFile(file));
      summary.restored++;
    }
    const text = `${summary.restored} missing or damaged output(s) rewritten from the ledger` +
      (summary.unrestorable.length > 0 ? `; ${summary.unrestorable.length} no longer pass validation (run truebatch validate --apply)` : '');
    ledger.addEvent('outputs-restored', text, { stage: stage.name });
    context.reporter.notice(`${stage.name}: ${text}`);
    summaries.push(summary);
  }
  return summaries;
}

/**
 * The file a run rewrites for a missing or damaged output, or undefined when its stored answer no longer passes the
 * stage's rules. `truebatch plan` reads a downstream stage's input from it, as the run will find it.
 */
export function restoredOutput(ledger: Ledger, stage: StageConfig, validator: Validator, output: RecordedOutput): OutputFile | undefined {
  const answer = ledger.outputs.answerOf(output.requestId);
  const response = answer ? (JSON.parse(answer.response) as ModelResponse) : undefined;
  const verdict = response && evaluateResult({ kind: 'response', key: output.key, lineNumber: 0, response }, validator, { dimensions: stage.embedding?.outputDimensionality });
  if (verdict?.status !== 'valid') return undefined;
  // Under the stage's current output folder, by the same name: the folder may have moved in the config.
  return stageOutputFileAt(stage, resolveInside(stage.output.dir, basename(output.path)), output.docId, verdict.output);
}

/** True when the file is gone, is not a file, or is not the size it was written at. */
export function isDamaged(output: RecordedOutput): boolean {
  const stats = statSync(output.path, { throwIfNoEntry: false });
  if (!stats?.isFile()) return true;
  return output.bytes !== null && stats.size !== output.bytes;
}
