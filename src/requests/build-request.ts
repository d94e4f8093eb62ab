/**
 * @module One (stage, document) pair rendered as a Gemini `GenerateContentRequest`, with its batch key and
 * fingerprint.
 */
import { ConfigError, deepFreeze } from '../shared/index.ts';
import { canonicalJson, fingerprintCanonicalRequest } from './fingerprint.ts';
import { renderPrompt, type TemplateDocument } from './prompt-template.ts';

/** What a stage says about how to turn a document into a request. */
export interface RequestSpec {
  stageName: string;
  /** e.g. `gemini-2.5-flash` or `models/gemini-2.5-flash`; both fingerprint alike. */
  model: string;
  /** The batch key for a document, with `{id}` and `{stage}` placeholders, e.g. `{id}_{stage}`. */
  keyTemplate: string;
  promptTemplate: string;
  /** Sent as the request's `systemInstruction`, verbatim (not templated). */
  systemInstruction?: string;
  /**
   * camelCase `GenerationConfig` fields passed through as they are (temperature, topP, topK, maxOutputTokens,
   * responseMimeType, responseSchema or responseJsonSchema...); undefined fields are omitted.
   */
  generationConfig: Record<string, unknown>;
}

/** A text part of a content. */
export interface TextPartJson {
  text: string;
}

/** The `GenerateContentRequest` JSON that goes in the `request` field of a batch input line. */
export interface GenerateContentRequestJson {
  contents: [{ role: 'user'; parts: TextPartJson[] }];
  systemInstruction?: { parts: [TextPartJson] };
  generationConfig?: Record<string, unknown>;
}

/** A built request: its batch key, the request and its JSON, and the fingerprint of (model, request). */
export interface BuiltRequest {
  key: string;
  request: GenerateContentRequestJson;
  requestJson: string;
  fingerprint: string;
}

/** Options for {@link buildRequest}. */
export interface BuildRequestOptions {
  /** Appended after the prompt as a separate text part, e.g. why the previous attempt's output was invalid. */
  repairNote?: string;
}

/** Fills `{id}` and `{stage}` in a key template; any other `{name}` is a config error. */
export function renderKey(keyTemplate: string, values: { id: string; stage: string }): string {
  const key = keyTemplate.replace(/\{([^{}]*)\}/g, (placeholder, name: string) => {
    if (name === 'id') return values.id;
    if (name === 'stage') return values.stage;
    throw new ConfigError(`key template "${keyTemplate}": unknown placeholder ${placeholder} (use {id} and {stage})`);
  });
  if (key === '') throw new ConfigError(`key template "${keyTemplate}" renders an empty key`);
  return key;
}

/** The generation config without undefined fields, or undefined when nothing is left. */
function definedFields(config: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(config).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * What a stage's requests share, made once per spec: the generation config (frozen) and the JSON that follows
 * `contents`, both as sent (key order as built) and canonical (keys sorted), so that each document's prompt is
 * escaped once and the response schema is not serialised again for every document.
 */
interface RequestFrame {
  generationConfig: Record<string, unknown> | undefined;
  sentTail: string;
  canonicalTail: string;
}

const frames = new WeakMap<RequestSpec, RequestFrame>();

function frameOf(spec: RequestSpec): RequestFrame {
  let frame = frames.get(spec);
  if (!frame) {
    const generationConfig = deepFreeze(structuredClone(definedFields(spec.generationConfig)));
    const system = spec.systemInstruction === undefined ? undefined : { parts: [{ text: spec.systemInstruction }] };
    const member = (name: string, value: unknown, serialise: (value: unknown) => string): string =>
      value === undefined ? '' : `,"${name}":${serialise(value)}`;
    frame = {
      generationConfig,
      // The order `buildRequest` adds them in, which JSON.stringify keeps.
      sentTail: member('systemInstruction', system, JSON.stringify) + member('generationConfig', generationConfig, JSON.stringify),
      canonicalTail: member('generationConfig', generationConfig, canonicalJson) + member('systemInstruction', system, canonicalJson),
    };
    frames.set(spec, frame);
  }
  return frame;
}

/**
 * Renders the stage's prompt for `doc` and builds its request, key and fingerprint.
 * Throws {@link InputError} when the document lacks a field the prompt needs.
 * @example buildRequest(spec, { id: 'doc-1', text, fields }, { repairNote: 'Return valid JSON.' })
 */
export function buildRequest(
  spec: RequestSpec,
  doc: TemplateDocument,
  options: BuildRequestOptions = {},
): BuiltRequest {
  const parts: TextPartJson[] = [{ text: renderPrompt(spec.promptTemplate, doc) }];
  if (options.repairNote !== undefined) parts.push({ text: options.repairNote });
  const request: GenerateContentRequestJson = { contents: [{ role: 'user', parts }] };
  if (spec.systemInstruction !== undefined) request.systemInstruction = { parts: [{ text: spec.systemInstruction }] };
  const frame = frameOf(spec);
  if (frame.generationConfig !== undefined) request.generationConfig = frame.generationConfig;
  // Exactly JSON.stringify(request) and canonicalJson(request) (tests hold them to it), with the prompt escaped once.
  const partsJson = parts.map((part) => `{"text":${JSON.stringify(part.text)}}`).join(',');
  const canonical = `{"contents":[{"parts":[${partsJson}],"role":"user"}]${frame.canonicalTail}}`;
  return {
    key: renderKey(spec.keyTemplate, { id: doc.id, stage: spec.stageName }),
    request,
    requestJson: `{"contents":[{"role":"user","parts":[${partsJson}]}]${frame.sentTail}}`,
    fingerprint: fingerprintCanonicalRequest(spec.model, canonical),
  };
}
