/** @module Requests: prompt rendering, GenerateContentRequest building, fingerprints, and JSONL shard writing. */
export {
  findPlaceholders,
  findMissingPlaceholders,
  renderPrompt,
  missingFieldsReason,
  parseMissingFields,
  type TemplateDocument,
} from './prompt-template.ts';
export {
  groupDocumentProblems,
  describeMissingPlaceholder,
  problemsNotExplainedBy,
  type MissingPlaceholder,
  type DocumentProblem,
  type GroupedProblems,
} from './missing-placeholders.ts';
export { canonicalJson, fingerprintRequest, bareModelName } from './fingerprint.ts';
export {
  buildRequest,
  renderKey,
  type RequestSpec,
  type BuiltRequest,
  type BuildRequestOptions,
  type GenerateContentRequestJson,
  type TextPartJson,
} from './build-request.ts';
export {
  planShards,
  inputLineSize,
  serialiseInputLine,
  checkShardLimits,
  ShardCutter,
  type ShardLimits,
  type ShardPlan,
  type ShardPlacement,
  type BatchInputLine,
} from './shard-plan.ts';
export { ShardWriter, shardFileName, type ShardFile, type ShardWriterOptions } from './shard-writer.ts';
