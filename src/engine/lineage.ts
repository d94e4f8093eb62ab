/**
 * @module Provenance from the ledger: where an output came from (document, upstream outputs, prompt, model,
 * config, attempts and jobs), and what depends on a document.
 */
import { resolve } from 'node:path';
import type { AttemptHistoryEntry, Ledger, Lineage, RequestRow } from '../ledger/index.ts';
import { NotFoundError } from '../shared/index.ts';
import { readSources, type AnswerSources } from './output-sources.ts';

/** An output's provenance, with its upstream outputs' provenance nested. */
export interface Provenance {
  stage: string;
  key: string;
  state: RequestRow['state'];
  outputPath: string | null;
  fingerprint: string;
  model: string;
  document: Lineage['document'];
  prompt: Lineage['prompt'] | undefined;
  systemSha256: string | undefined;
  generationConfigSha256: string | undefined;
  /** Set when the answer was reused from an earlier identical request. */
  reusedAttempt: number | null;
  attempts: AttemptHistoryEntry[];
  /** What a grounded answer rests on (its sources file beside the output). */
  sources?: AnswerSources;
  upstream: Provenance[];
}

/**
 * Finds a request by output file path (absolute, or relative to one of `folders`, in order: the working folder, then
 * the project) or by key in any stage.
 */
export function findRequest(ledger: Ledger, target: string, folders: readonly string[]): RequestRow {
  for (const folder of folders) {
    const byOutput = ledger.requestByOutput(resolve(folder, target));
    if (byOutput) return byOutput;
  }
  const first = ledger.provenance.firstRequestWithKey(target);
  if (!first) throw new NotFoundError(`no output file or request key matches ${target}`);
  return first;
}

/** The provenance of `request`, following upstream outputs. */
export function provenanceOf(ledger: Ledger, request: RequestRow): Provenance {
  const lineage = JSON.parse(request.lineage ?? '{}') as Partial<Lineage>;
  return {
    stage: request.stage,
    key: request.key,
    state: request.state,
    outputPath: request.output_path,
    fingerprint: request.fingerprint,
    model: request.model,
    document: lineage.document,
    prompt: lineage.prompt,
    systemSha256: lineage.systemSha256,
    generationConfigSha256: lineage.generationConfigSha256,
    reusedAttempt: request.cached_from,
    attempts: ledger.provenance.attemptHistory(request.id),
    ...sourcesOf(request.output_path),
    upstream: (lineage.upstream ?? []).flatMap((parent) => {
      const row = ledger.requestByKey(parent.stage, parent.key);
      return row ? [provenanceOf(ledger, row)] : [];
    }),
  };
}

function sourcesOf(outputPath: string | null): { sources?: AnswerSources } {
  const sources = outputPath === null ? undefined : readSources(outputPath);
  return sources === undefined ? {} : { sources };
}

/** Every request derived from a document, in every stage. */
export function dependentsOf(ledger: Ledger, docId: string): { stage: string; key: string; state: string; outputPath: string | null }[] {
  const rows = ledger.requestsForDocument(docId);
  if (rows.length === 0) throw new NotFoundError(`no request comes from a document with id ${docId}`);
  return rows.map((row) => ({ stage: row.stage, key: row.key, state: row.state, outputPath: row.output_path }));
}
