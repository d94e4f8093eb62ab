/**
 * @module Turning a verdict into what is kept: the output file for a valid answer, and the ledger record (with
 * the stored response, usage and a repair note) for every answer.
 */
import { mkdirSync } from 'node:fs';
import type { StageConfig } from '../config/index.ts';
import type { ResultRecord } from '../ledger/index.ts';
import { outputFileName, resolveInside, writeFileAtomic } from '../outputs/index.ts';
import type { ResultItem } from '../providers/index.ts';
import type { Verdict } from '../results/index.ts';
import { describeIssues } from '../validation/index.ts';

/** Writes a valid output atomically under the stage's output folder; `finishedAt` stamps the name. */
export async function writeOutput(stage: StageConfig, docId: string, key: string, output: unknown, finishedAt: number): Promise<string> {
  mkdirSync(stage.output.dir, { recursive: true });
  const name = outputFileName(stage.output.fileNameTemplate, {
    key,
    id: docId,
    stage: stage.name,
    timestamp: new Date(finishedAt),
  });
  const path = resolveInside(stage.output.dir, name);
  // The folder is synced once per collected job, not once per file.
  await writeFileAtomic(path, `${JSON.stringify(output, null, 2)}\n`, { syncDirectory: false });
  return path;
}

/** The ledger record of a verdict, with the repair note for the next attempt when the stage wants one. */
export function resultRecord(
  stage: StageConfig,
  item: Exclude<ResultItem, { kind: 'malformed' }>,
  verdict: Verdict,
  outputPath: string | undefined,
): ResultRecord {
  // The normalised response (with the raw one inside) or the error: enough to re-validate offline later.
  const response = JSON.stringify(item.kind === 'response' ? item.response : item.error);
  const base = { response, usage: verdict.usage, modelVersion: item.kind === 'response' ? item.response.modelVersion : undefined };
  if (verdict.status === 'valid') return { ...base, state: 'valid', issues: verdict.issues, ...(outputPath ? { outputPath } : {}) };
  if (verdict.status === 'invalid') {
    const errors = verdict.issues.filter((issue) => issue.severity === 'error');
    const reason = `invalid: ${errors.slice(0, 3).map((issue) => issue.message).join('; ')}`;
    return { ...base, state: 'invalid', issues: verdict.issues, reason, ...(stage.repairNote ? { repairNote: describeIssues(verdict.issues) } : {}) };
  }
  const reason = `${verdict.reason}: ${verdict.message}`;
  const repairable = verdict.reason === 'unparseable' || verdict.reason === 'truncated';
  const repairNote = `Your previous answer could not be used (${verdict.message}). Answer again with only the JSON object.`;
  return { ...base, state: 'failed', reason, ...(stage.repairNote && repairable ? { repairNote } : {}) };
}

