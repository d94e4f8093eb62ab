/**
 * @module The emulator's simulated model: deterministic, schema-honouring answers to GenerateContentRequests, with
 * scripted per-line faults. The answer depends only on the request and the seed (never on the key); fault
 * decisions depend on the seed, the key and the submission number, so a retry can go differently.
 */
import { errorMessage, InputError } from '../../shared/index.ts';
import type { LineFaults } from '../faults.ts';
import { composeAnswer, serialiseJson } from './answer-composing.ts';
import { minedTexts, type DocumentLookup } from './document-parts.ts';
import { malformText, planLine, renameFields, type LinePlan } from './line-faults.ts';
import { contentJson, parseRequest, type SimulatedRequest } from './request-parsing.ts';
import {
  answerResponse,
  blockedResponse,
  emptyResponse,
  modelVersionOf,
  responseIdFor,
  thoughtsTokensFor,
  type ResponseFrame,
} from './response-assembly.ts';
import { rngFromLabel, sha256HexOf } from './seeding.ts';
import { mineText } from './text-mining.ts';
import { countPromptTokens, estimateTextTokens, truncateToTokens } from './token-estimator.ts';

export { BYTES_PER_TOKEN, MEDIA_PART_TOKENS, estimateTextTokens } from './token-estimator.ts';
export type { DocumentContent, DocumentLookup, MediaPart } from './document-parts.ts';

/** What a batch line's answer depends on besides the request. */
export interface SimulationContext {
  seed: number;
  /** The model name, with or without `models/`. */
  model: string;
  key: string | undefined;
  /** 1-based: how many times this key has been submitted, this one included. */
  submission: number;
  faults: LineFaults;
  /** The media parts the emulator read (PDF text and pages, images): without it they cost a flat 258 and add no text. */
  documents?: DocumentLookup | undefined;
}

/** One batch line's answer: a GenerateContentResponse or an error status. */
export type SimulatedLine = { response: Record<string, unknown> } | { error: { code: number; message: string } };

type AnswerPlan = Exclude<LinePlan, { kind: 'error' }>;
const NO_FAULTS: AnswerPlan = { kind: 'answer', aliases: undefined, malformation: undefined };

/** One batch line's answer. Never throws: an invalid request gives `{ error: { code: 400, message } }`. */
export function simulateLine(request: unknown, context: SimulationContext): SimulatedLine {
  try {
    const parsed = parseRequest(request);
    const plan = planLine(context.faults, { seed: context.seed, key: context.key, submission: context.submission });
    if (plan.kind === 'error') return { error: { code: plan.code, message: plan.message } };
    return { response: respond(parsed, context.seed, context.model, plan, context.documents) };
  } catch (error) {
    if (error instanceof InputError) return { error: { code: 400, message: error.message } };
    return { error: { code: 500, message: `emulator failure: ${errorMessage(error)}` } };
  }
}

/** The interactive :generateContent answer; no faults. Throws InputError on an invalid request. */
export function simulateGenerateContent(
  request: unknown,
  options: { seed: number; model: string; documents?: DocumentLookup | undefined },
): Record<string, unknown> {
  return respond(parseRequest(request), options.seed, options.model, NO_FAULTS, options.documents);
}

/**
 * :countTokens `totalTokens` for a request (contents + systemInstruction), by the same estimator as
 * `usageMetadata.promptTokenCount`. Throws InputError on an invalid request.
 */
export function countTokens(request: unknown, documents?: DocumentLookup): number {
  return countPromptTokens(parseRequest(request), documents);
}

function respond(
  request: SimulatedRequest,
  seed: number,
  model: string,
  plan: AnswerPlan,
  documents?: DocumentLookup,
): Record<string, unknown> {
  // `JSON.stringify([contents, systemInstruction ?? null, generation])` without the compiled schema, built from parts
  // that quote the prompt's long texts fast and reuse the schema's JSON text.
  const system = request.systemInstruction === undefined ? 'null' : contentJson(request.systemInstruction);
  const requestHash = sha256HexOf(`[[${request.contents.map(contentJson).join(',')}],${system},${request.generation.identityJson}]`);
  const frame: ResponseFrame = {
    promptTokens: countPromptTokens(request, documents),
    modelVersion: modelVersionOf(model),
    responseId: responseIdFor(seed, requestHash),
  };
  if (plan.kind === 'safety-block') return blockedResponse(frame);
  if (plan.kind === 'empty') return emptyResponse(frame, plan.candidatesField);
  const { generation } = request;
  const rng = rngFromLabel(`${seed}:${requestHash}`);
  const thoughts = thoughtsTokensFor(frame.modelVersion, generation.thinkingBudget, rng);
  const answer = composeAnswer(generation, generation.compiledSchema, mineText(minedTexts(request, documents)), rng);
  let text: string;
  let cutShort = false;
  if (answer.kind === 'json') {
    text = serialiseJson(plan.aliases === undefined ? answer.value : renameFields(answer.value, plan.aliases));
    if (plan.malformation !== undefined) ({ text, truncated: cutShort } = malformText(text, plan.malformation));
  } else {
    text = answer.text;
  }
  const limit = generation.maxOutputTokens;
  if (limit !== undefined && estimateTextTokens(text) > limit) {
    text = truncateToTokens(text, limit);
    cutShort = true;
  }
  return answerResponse(frame, text, cutShort ? 'MAX_TOKENS' : 'STOP', thoughts);
}
