/**
 * @module Turning a verdict into what is kept: the output file for a valid answer, and the ledger record (with
 * the stored response, usage and a repair note) for every answer.
 */
import type { StageConfig } from '../config/index.ts';
import type { FailureKind, ResultRecord, WrittenOutput } from '../ledger/index.ts';
import { outputFileName, resolveInside, writeFileAtomic } from '../outputs/index.ts';
import type { ResultItem } from '../providers/index.ts';
import type { EmbeddingOutput, Verdict } from '../results/index.ts';
import { describeIssues } from '../validation/index.ts';
import { embeddingOutputFile } from './embedding-outputs.ts';

/** An output file to write: where, and its text. */
export interface OutputFile {
  path: string;
  text: string;
}

/** A valid output's file: its path under the stage's output folder (`finishedAt` stamps the name) and its text. */
export function outputFile(stage: StageConfig, docId: string, key: string, output: unknown, finishedAt: number): OutputFile {
  const name = outputFileName(stage.output.fileNameTemplate, {
    key,
    id: docId,
    stage: stage.name,
    timestamp: new Date(finishedAt),
  });
  return stageOutputFileAt(stage, resolveInside(stage.output.dir, name), docId, output);
}

/** The output file of `output` at `path` as the stage writes it: an embedding with its document id and model. */
export function stageOutputFileAt(stage: StageConfig, path: string, docId: string, output: unknown): OutputFile {
  return stage.task === 'embed' ? embeddingOutputFile(path, docId, stage.model, output as EmbeddingOutput) : outputFileAt(path, output);
}

/** The output file of `output` at `path`. */
export function outputFileAt(path: string, output: unknown): OutputFile {
  return { path, text: `${JSON.stringify(output, null, 2)}\n` };
}

/**
 * Writes an output file atomically (its folder must exist). Not fsync'd: the ledger keeps the answer and the size
 * written, and a run rewrites any output that a power cut lost (see restore-outputs.ts).
 */
export function writeOutputFile(file: OutputFile): WrittenOutput {
  writeFileAtomic(file.path, file.text, { durable: false });
  return { path: file.path, bytes: Buffer.byteLength(file.text) };
}

/** The ledger record of a verdict, with the repair note for the next attempt when the stage wants one. */
export function resultRecord(
  stage: StageConfig,
  item: Exclude<ResultItem, { kind: 'malformed' }>,
  verdict: Verdict,
  output: WrittenOutput | undefined,
): ResultRecord {
  // The normalised response or the error: enough to re-validate offline later. The provider's raw line is not
  // copied (it doubled the ledger's largest table): it stays in the job's result file under .truebatch/results/.
  const response = JSON.stringify(item.kind === 'response' ? { ...item.response, raw: null } : item.error);
  const base = { response, usage: verdict.usage, modelVersion: item.kind === 'response' ? item.response.modelVersion : undefined };
  if (verdict.status === 'valid') {
    return { ...base, state: 'valid', issues: verdict.issues, repairs: verdict.repairs, ...(output ? { output } : {}) };
  }
  if (verdict.status === 'invalid') {
    const errors = verdict.issues.filter((issue) => issue.severity === 'error');
    const reason = `invalid: ${errors.slice(0, 3).map((issue) => issue.message).join('; ')}`;
    // The first error names the failure, as the reason text leads with it.
    const failureKind: FailureKind = invalidKind(errors[0]?.code);
    return { ...base, state: 'invalid', issues: verdict.issues, reason, failureKind, repairs: verdict.repairs,
      ...(stage.repairNote ? { repairNote: describeIssues(verdict.issues) } : {}) };
  }
  const reason = `${verdict.reason}: ${verdict.message}`;
  const repairable = verdict.reason === 'unparseable' || verdict.reason === 'truncated';
  const repairNote = `Your previous answer could not be used (${verdict.message}). Answer again with only the JSON object.`;
  const failureKind: FailureKind = verdict.reason === 'malformed-line' ? 'other' : verdict.reason;
  return { ...base, state: 'failed', reason, failureKind, ...(stage.repairNote && repairable ? { repairNote } : {}) };
}

function invalidKind(code: string | undefined): FailureKind {
  return code === 'schema' || code === 'required' || code === 'any-of' || code === 'not-object' ? code : 'other';
}

