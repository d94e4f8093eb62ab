/**
 * @module Candidates beyond the plain one-text answer: `candidateCount` answers (DOC-ref GenerationConfig:
 * "Number of generated responses to return"), each with an index; with `thinkingConfig.includeThoughts`, a thought
 * summary part marked `thought: true` before the answer whenever thinking tokens are reported (DOC thinking guide,
 * "thought summaries"); a function call part for a forced call.
 */
import { estimateTextTokens } from './token-estimator.ts';
import { usageCounters, type ResponseFrame } from './response-assembly.ts';

/** One candidate's content parts and finish reason. */
export interface CandidateAnswer {
  readonly parts: readonly Record<string, unknown>[];
  readonly finishReason: 'STOP' | 'MAX_TOKENS';
}

/** The thought summary the simulated model reports: short, fixed, in the real summaries' `**Heading**` form. */
const THOUGHT_SUMMARY = '**Reading the request**\n\nI read the prompt and the requested format, then composed the answer from the prompt\'s own text.';

/** An answer's parts (a text, a function call), after the thought summary when thoughts are to be shown. */
export function answerParts(part: Record<string, unknown>, showThoughts: boolean): Record<string, unknown>[] {
  return showThoughts ? [{ text: THOUGHT_SUMMARY, thought: true }, part] : [part];
}

/** Tokens a candidate's parts cost as output (thought parts are counted in thoughtsTokenCount instead). */
function partTokens(part: Record<string, unknown>): number {
  if (part['thought'] === true) return 0;
  return estimateTextTokens(typeof part['text'] === 'string' ? part['text'] : JSON.stringify(part));
}

/** A response with one candidate per answer, indexed in order; usage counts every candidate's output. */
export function candidatesResponse(frame: ResponseFrame, answers: readonly CandidateAnswer[], thoughtsTokens: number): Record<string, unknown> {
  let outputTokens = 0;
  for (const answer of answers) for (const part of answer.parts) outputTokens += partTokens(part);
  return {
    candidates: answers.map((answer, index) => ({ content: { role: 'model', parts: answer.parts }, finishReason: answer.finishReason, index })),
    usageMetadata: usageCounters(frame.promptTokens, outputTokens, thoughtsTokens),
    modelVersion: frame.modelVersion,
    responseId: frame.responseId,
  };
}
