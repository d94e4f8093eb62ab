/** @module Requests: prompt rendering, neutral requests and their fingerprints, and JSONL shard writing. */
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
export { canonicalJson, fingerprintRequest, bareModelName, type FingerprintInput } from './fingerprint.ts';
export {
  withTextPart,
  withCachedContext,
  sharedContextOf,
  type CachedContextContent,
  type NeutralRequest,
  type RequestPart,
  type GenerationOptions,
  type EmbeddingOptions,
  type ToolSpec,
  type JsonObject,
} from './neutral-request.ts';
export {
  buildRequest,
  renderKey,
  type RequestSpec,
  type BuiltRequest,
  type BuildRequestOptions,
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
export {
  base64Length,
  bindDocumentRefs,
  documentPart,
  documentRef,
  documentRefsIn,
  travelOf,
  type DocumentRef,
  type DocumentTravel,
  type DocumentTravelRule,
  type RequestAttachment,
} from './document-parts.ts';
