/**
 * @module The emulator's simulated model: deterministic, schema-honouring answers to GenerateContentRequests, with
 * scripted per-line faults. The answer depends only on the request and the seed (never on the key); fault
 * decisions depend on the seed, the key and the submission number, so a retry can go differently.
 */
import { errorMessage, InputError, type Rng } from '../../shared/index.ts';
import type { LineFaults } from '../faults.ts';
import { composeAnswer, serialiseJson } from './answer-composing.ts';
import { withCachedTokens } from './cached-context.ts';
import { minedTexts, type DocumentLookup } from './document-parts.ts';
import { builtInToolsOf, toolRefusal, withToolMetadata, type BuiltInTools } from './grounding.ts';
import { malformText, planLine, renameFields, type LinePlan } from './line-faults.ts';
import { contentJson, parseRequest, promptTexts, type SimulatedRequest } from './request-parsing.ts';
import { GoogleApiError } from '../api-errors.ts';
import { thinkingModeOf } from '../model-catalogue.ts';
import { answerParts, candidatesResponse, type CandidateAnswer } from './candidates.ts';
import { forcedFunctionCall, functionCallPart } from './function-calls.ts';
import {
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

export { resolveCachedContent, type CachedPrefix, type CacheLookup } from './cached-context.ts';
export { simulateEmbedLine, defaultEmbeddingDimensions, embedText } from './embedding.ts';
export { BYTES_PER_TOKEN, MEDIA_PART_TOKENS, estimateTextTokens } from './token-estimator.ts';
export { groundingMetadataFor, promptUrls } from './grounding.ts';
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
  /** Prompt tokens that came from a context cache (see cached-context.ts), reported as `cachedContentTokenCount`. */
  cachedTokens?: number | undefined;
}

/** One batch line's answer: a GenerateContentResponse or an error status. */
export type SimulatedLine = { response: Record<string, unknown> } | { error: { code: number; message: string } };

type AnswerPlan = Exclude<LinePlan, { kind: 'error' }>;
const NO_FAULTS: AnswerPlan = { kind: 'answer', aliases: undefined, malformation: undefined };

/** One batch line's answer. Never throws: an invalid request gives `{ error: { code: 400, message } }`. */
export function simulateLine(request: unknown, context: SimulationContext): SimulatedLine {
  try {
    const parsed = parseRequest(request);
    const tools = toolsFor(request, parsed, context.model);
    if ('refusal' in tools) return { error: { code: 400, message: tools.refusal } };
    const plan = planLine(context.faults, { seed: context.seed, key: context.key, submission: context.submission });
    if (plan.kind === 'error') return { error: { code: plan.code, message: plan.message } };
    const response = respond(request, parsed, context.seed, context.model, plan, context.documents);
    return { response: decorate(response, parsed, tools, context.cachedTokens) };
  } catch (error) {
    if (error instanceof InputError) return { error: { code: 400, message: error.message } };
    if (error instanceof GoogleApiError) return { error: { code: error.code, message: error.message } };
    return { error: { code: 500, message: `emulator failure: ${errorMessage(error)}` } };
  }
}

/** The interactive :generateContent answer; no faults. Throws InputError on an invalid request. */
export function simulateGenerateContent(
  request: unknown,
  options: { seed: number; model: string; documents?: DocumentLookup | undefined; cachedTokens?: number | undefined },
): Record<string, unknown> {
  const parsed = parseRequest(request);
  const tools = toolsFor(request, parsed, options.model);
  if ('refusal' in tools) throw new InputError('request.tools', tools.refusal);
  return decorate(respond(request, parsed, options.seed, options.model, NO_FAULTS, options.documents), parsed, tools, options.cachedTokens);
}

/** The request's built-in tools, or the refusal of combining them with a JSON answer on `model`. */
function toolsFor(request: unknown, parsed: SimulatedRequest, model: string): BuiltInTools | { refusal: string } {
  const tools = builtInToolsOf(request);
  const refusal = toolRefusal(tools, parsed.generation.responseMimeType, model);
  return refusal === undefined ? tools : { refusal };
}

/** Adds what the answer owes to a context cache (usage) and to built-in tools (grounding, URL context). */
function decorate(response: Record<string, unknown>, parsed: SimulatedRequest, tools: BuiltInTools, cachedTokens: number | undefined): Record<string, unknown> {
  return withToolMetadata(withCachedTokens(response, cachedTokens ?? 0), tools, promptTexts(parsed));
}

/**
 * :countTokens `totalTokens` for a request (contents + systemInstruction), by the same estimator as
 * `usageMetadata.promptTokenCount`. Throws InputError on an invalid request.
 */
export function countTokens(request: unknown, documents?: DocumentLookup): number {
  return countPromptTokens(parseRequest(request), documents);
}

/**
 * A thinking budget of 0 on a model that cannot stop thinking (2.5 Pro, Gemini 3) is refused with Google's words
 * (allenai/tutormoments#48 records 2.5 Pro's 400; the DOC thinking guide: 2.5 Pro "cannot turn off thinking"). No
 * source says whether a batch refuses it at create or per line: the emulator answers that line with the 400.
 */
function checkThinkingBudget(modelVersion: string, thinkingBudget: number | undefined): void {
  if (thinkingBudget === 0 && thinkingModeOf(modelVersion) === 'always') {
    throw new GoogleApiError(400, 'Budget 0 is invalid. This model only works in thinking mode.');
  }
}

function respond(
  raw: unknown,
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
  checkThinkingBudget(frame.modelVersion, generation.thinkingBudget);
  const rng = rngFromLabel(`${seed}:${requestHash}`);
  const thoughts = thoughtsTokensFor(frame.modelVersion, generation.thinkingBudget, rng);
  const corpus = mineText(minedTexts(request, documents));
  const showThoughts = generation.includeThoughts === true && thoughts > 0;
  const call = forcedFunctionCall(raw, rng);
  const answers: CandidateAnswer[] = [];
  for (let index = 0; index < (generation.candidateCount ?? 1); index++) {
    answers.push(
      call === undefined
        ? textAnswer(generation, corpus, rng, plan, showThoughts)
        : { parts: answerParts(functionCallPart(call, corpus, rng), showThoughts), finishReason: 'STOP' },
    );
  }
  return candidatesResponse(frame, answers, thoughts);
}

/** One text candidate: the composed answer, with line faults applied and cut at maxOutputTokens. */
function textAnswer(
  generation: SimulatedRequest['generation'],
  corpus: ReturnType<typeof mineText>,
  rng: Rng,
  plan: Extract<LinePlan, { kind: 'answer' }>,
  showThoughts: boolean,
): CandidateAnswer {
  const answer = composeAnswer(generation, generation.compiledSchema, corpus, rng);
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
  return { parts: answerParts({ text }, showThoughts), finishReason: cutShort ? 'MAX_TOKENS' : 'STOP' };
}
