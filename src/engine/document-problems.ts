/**
 * @module A stage's invalid documents as plan, run and status show them: a placeholder (nearly) every document lacks
 * once for the stage, and the documents with any other problem one by one.
 */
import { displayPath, type StageConfig } from '../config/index.ts';
import { groupDocumentProblems, type DocumentProblem, type GroupedProblems } from '../requests/index.ts';

/** Groups `invalid`, the invalid documents of `stage`, which has `documents` documents in all (valid and invalid). */
export function stageDocumentProblems(stage: StageConfig, documents: number, invalid: readonly DocumentProblem[]): GroupedProblems {
  const template = stage.prompt.templateFile === undefined ? undefined : displayPath(stage.prompt.templateFile);
  return groupDocumentProblems({ stage: stage.name, documents, template, invalid });
}
