/** @module Results: the verdict on each result line, and the key join over a result file. */
export type { FailureReason, Verdict } from './verdict.ts';
export { evaluateResult } from './evaluate-result.ts';
export type { EmbeddingOutput } from './evaluate-embedding.ts';
export { createKeyJoin, type KeyJoin, type KeyJoinReport } from './key-join.ts';
