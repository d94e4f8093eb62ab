/** @module One (stage, document) pair rendered as a {@link NeutralRequest}, with its batch key. */
import { ConfigError, deepFreeze } from '../shared/index.ts';
import { documentPart, travelOf, type DocumentTravelRule, type RequestAttachment } from './document-parts.ts';
import type { EmbeddingOptions, GenerationOptions, NeutralRequest, RequestPart, ToolSpec } from './neutral-request.ts';
import { renderPrompt, type TemplateDocument } from './prompt-template.ts';

/** What a stage says about how to turn a document into a request. */
export interface RequestSpec {
  stageName: string;
  /** e.g. `gemini-2.5-flash` or `models/gemini-2.5-flash`; both fingerprint alike. */
  model: string;
  /** The batch key for a document, with `{id}` and `{stage}` placeholders, e.g. `{id}_{stage}`. */
  keyTemplate: string;
  promptTemplate: string;
  /** System text, verbatim (not templated). */
  system?: string;
  /** Passed through in their order; undefined members are omitted. */
  generation: { readonly [Name in keyof GenerationOptions]?: GenerationOptions[Name] | undefined };
  /** Set for a stage that embeds: each request asks for one vector of its content. */
  embedding?: EmbeddingOptions;
  /**
   * Parts every request of the stage shares (its `context`), put before the document's prompt so the shared prefix
   * comes first (a provider's implicit caching matches prefixes) and an explicit cache can take them out whole.
   */
  context?: readonly RequestPart[];
  tools?: readonly ToolSpec[];
  /** How a PDF or image travels (inline or uploaded). @default inline up to 4 MiB, uploaded above */
  documents?: DocumentTravelRule;
}

const DEFAULT_TRAVEL: DocumentTravelRule = { travel: 'auto', inlineMaxBytes: 4 * 1024 * 1024 };

/** A built request: its batch key and the neutral request. */
export interface BuiltRequest {
  key: string;
  request: NeutralRequest;
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

/** The options without undefined members, deeply frozen: the same object is in every request of the spec. */
const frozenOptions = new WeakMap<RequestSpec, GenerationOptions>();

function optionsOf(spec: RequestSpec): GenerationOptions {
  let options = frozenOptions.get(spec);
  if (!options) {
    const defined = Object.entries(spec.generation).filter(([, value]) => value !== undefined);
    // Frozen, so canonical JSON and token counts of it (the response schema above all) are made once per stage.
    options = deepFreeze(structuredClone(Object.fromEntries(defined)));
    frozenOptions.set(spec, options);
  }
  return options;
}

/**
 * Renders the stage's prompt for `doc` and builds its neutral request and key.
 * Throws {@link InputError} when the document lacks a field the prompt needs.
 * @example buildRequest(spec, { id: 'doc-1', text, fields }, { repairNote: 'Return valid JSON.' })
 */
export function buildRequest(
  spec: RequestSpec,
  doc: TemplateDocument & { attachment?: RequestAttachment | undefined },
  options: BuildRequestOptions = {},
): BuiltRequest {
  const content: RequestPart[] = [...(spec.context ?? []), { kind: 'text', text: renderPrompt(spec.promptTemplate, doc) }];
  // The prompt first, the document after: requests of a stage then share their longest prefix (implicit caching).
  if (doc.attachment !== undefined) content.push(documentPart(doc.attachment, travelOf(doc.attachment, spec.documents ?? DEFAULT_TRAVEL)));
  if (options.repairNote !== undefined) content.push({ kind: 'text', text: options.repairNote });
  const request: NeutralRequest = {
    ...(spec.system === undefined ? {} : { system: spec.system }),
    content,
    generation: optionsOf(spec),
    ...(spec.embedding === undefined ? {} : { embedding: spec.embedding }),
    ...(spec.tools === undefined ? {} : { tools: spec.tools }),
  };
  return { key: renderKey(spec.keyTemplate, { id: doc.id, stage: spec.stageName }), request };
}
