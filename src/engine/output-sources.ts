/**
 * @module The sources of a grounded answer, kept beside its output as `<output stem>.sources.json` (the output file
 * stays exactly the validated answer, so downstream stages and users read it unchanged): the searches, the sources
 * with titles and URIs, which answer text each supports, and any citations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../outputs/index.ts';
import type { Citation, Grounding, ModelResponse } from '../providers/index.ts';

/** What an answer rests on, as its sources file holds it. */
export interface AnswerSources {
  grounding?: Grounding;
  citations?: Citation[];
}

/** The sources file of an output: `a.json` → `a.sources.json`. */
export function sourcesPathOf(outputPath: string): string {
  return outputPath.replace(/(\.json)?$/, '.sources.json');
}

/** Writes the sources of `response` beside `outputPath`, when it has any; returns the file's path then. */
export function writeSourcesFile(outputPath: string, response: ModelResponse): string | undefined {
  if (response.grounding === undefined && response.citations === undefined) return undefined;
  const sources: AnswerSources = {
    ...(response.grounding === undefined ? {} : { grounding: response.grounding }),
    ...(response.citations === undefined ? {} : { citations: response.citations }),
  };
  const path = sourcesPathOf(outputPath);
  writeFileAtomic(path, `${JSON.stringify(sources, null, 2)}\n`, { durable: false });
  return path;
}

/** The sources kept beside `outputPath`, if there are any. */
export function readSources(outputPath: string): AnswerSources | undefined {
  const path = sourcesPathOf(outputPath);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as AnswerSources;
  } catch {
    // A damaged sources file is not the answer: lineage shows the answer without it.
    return undefined;
  }
}
