/**
 * @module Judging a job's result lines without the ledger: join each on its key, validate it, write the output
 * file of a valid answer and build the record the ledger keeps. Runs on the collect worker (collect-worker.ts);
 * the main thread only records the outcomes, in order (collect-jobs.ts).
 */
import type { StageConfig } from '../config/index.ts';
import type { ResultRecord } from '../ledger/index.ts';
import type { ResultItem } from '../providers/index.ts';
import { createKeyJoin, evaluateResult } from '../results/index.ts';
import { errorMessage } from '../shared/index.ts';
import { compileValidator } from '../validation/index.ts';
import { writeSourcesFile } from './output-sources.ts';
import { outputFile, resultRecord, writeOutputFile } from './verdicts.ts';

/** Everything the worker needs to judge one job's result file. */
export interface JudgeJob {
  resultPath: string;
  /** Whose result format the file is in (the provider's name). */
  provider: string;
  stage: StageConfig;
  /** Stamps output file names (the job's finish time). */
  finishedAt: number;
  /** Every key the job was planned with: its document, and whether its attempt still waits for a result. */
  attempts: [key: string, docId: string, open: boolean][];
}

/** What became of one result line. */
export type LineOutcome =
  | { kind: 'malformed'; lineNumber: number; reason: string }
  | { kind: 'unknown' | 'duplicates'; key: string }
  /** Recorded by an earlier collection that was interrupted: nothing is written again. */
  | { kind: 'alreadyRecorded' }
  /** Judged; a valid answer's output file is already on disk. */
  | { kind: 'valid' | 'invalid' | 'failed'; key: string; record: ResultRecord }
  /** The output file could not be written (the disk is full...): the line is not judged, nor any after it. */
  | { kind: 'unwritable'; key: string; message: string };

/** A judge for the lines of `job`'s result file, in file order (it remembers the keys seen). */
export function createLineJudge(job: JudgeJob): (item: ResultItem) => LineOutcome {
  const { stage } = job;
  const validator = compileValidator(stage.validation);
  const keys = createKeyJoin(job.attempts.map(([key]) => key));
  const open = new Map(job.attempts.filter(([, , isOpen]) => isOpen).map(([key, docId]) => [key, docId]));
  return (item) => {
    if (item.kind === 'malformed') return { kind: 'malformed', lineNumber: item.lineNumber, reason: item.reason };
    const seen = keys.see(item.key);
    if (seen === 'unknown') return { kind: 'unknown', key: item.key };
    if (seen === 'duplicate') return { kind: 'duplicates', key: item.key };
    const docId = open.get(item.key);
    if (docId === undefined) return { kind: 'alreadyRecorded' };
    const verdict = evaluateResult(item, validator, { dimensions: stage.embedding?.outputDimensionality });
    if (verdict.status !== 'valid') return { kind: verdict.status, key: item.key, record: resultRecord(stage, item, verdict, undefined) };
    try {
      const written = writeOutputFile(outputFile(stage, docId, item.key, verdict.output, job.finishedAt));
      if (item.kind === 'response') writeSourcesFile(written.path, item.response);
      return { kind: 'valid', key: item.key, record: resultRecord(stage, item, verdict, written) };
    } catch (error) {
      return { kind: 'unwritable', key: item.key, message: errorMessage(error) };
    }
  };
}
