/**
 * @module The models the emulator knows, and what each can do. Google answers a create for any other model with
 * 404 NOT_FOUND at once (spec §3.2; the wording is the service's well-known one for generateContent). Pinned versions
 * (`-001`), previews (`-preview-09-2025`) and `-latest` of a known model are known too.
 */
import { GoogleApiError } from './api-errors.ts';

/**
 * How a model thinks: `never` (2.0), `optional` (a budget of 0 turns it off: 2.5 Flash, Flash-Lite), `always` (a
 * budget of 0 is refused: 2.5 Pro "cannot turn off thinking", DOC thinking guide; Gemini 3 thinks by level).
 */
export type ThinkingMode = 'never' | 'optional' | 'always';

const MODELS: Readonly<Record<string, ThinkingMode>> = {
  'gemini-2.0-flash': 'never',
  'gemini-2.0-flash-lite': 'never',
  'gemini-2.5-flash': 'optional',
  'gemini-2.5-flash-lite': 'optional',
  'gemini-2.5-flash-image': 'never',
  'gemini-2.5-pro': 'always',
  'gemini-3-flash-preview': 'always',
  'gemini-3-pro-preview': 'always',
  'gemini-flash-latest': 'optional',
  'gemini-flash-lite-latest': 'optional',
  'gemini-embedding-001': 'never',
};

const VERSION_SUFFIX = /^-(\d{3}|latest|preview(-[a-z0-9-]+)?|exp(-[a-z0-9-]+)?)$/;

/** The catalogue entry of a bare model id (`gemini-2.5-flash-001` → gemini-2.5-flash's), if the emulator knows it. */
export function thinkingModeOf(model: string): ThinkingMode | undefined {
  const exact = MODELS[model];
  if (exact !== undefined) return exact;
  // The longest known id the name extends with a version suffix.
  const base = Object.keys(MODELS)
    .filter((id) => model.startsWith(id) && VERSION_SUFFIX.test(model.slice(id.length)))
    .sort((a, b) => b.length - a.length)[0];
  return base === undefined ? undefined : MODELS[base];
}

/**
 * How carefully a model answers: the share of optional schema properties it fills in, and whether it rounds the
 * numbers it reports to whole numbers. A simulation aid, not a Google behaviour (no source): issue #19 asks that
 * variants on a smaller model get systematically different answers, so comparing variants has something to find.
 * Lite models (`…-lite…`) leave out a third of the optional fields the others fill in, and round numbers.
 */
export interface AnswerProfile {
  /** Of the optional properties a full model fills in, the share this model leaves out. */
  readonly optionalDropRate: number;
  readonly roundsNumbers: boolean;
}

const FULL_PROFILE: AnswerProfile = { optionalDropRate: 0, roundsNumbers: false };
const LITE_PROFILE: AnswerProfile = { optionalDropRate: 0.35, roundsNumbers: true };

/** The answer profile of a model name, bare or with `models/`. */
export function answerProfileOf(model: string): AnswerProfile {
  return /-lite(\b|-)/.test(model) ? LITE_PROFILE : FULL_PROFILE;
}

/** The real 404 for a model the service does not have. `model` is bare (`gemini-2.5-flash`). */
export function unknownModelError(model: string, apiVersion: string, method: string): GoogleApiError {
  return new GoogleApiError(
    404,
    `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. ` +
      'Call ListModels to see the list of available models and their supported methods.',
  );
}

/** Throws {@link unknownModelError} for a model the emulator does not know. */
export function requireKnownModel(model: string, apiVersion: string, method: string): void {
  if (thinkingModeOf(model) === undefined) throw unknownModelError(model, apiVersion, method);
}
