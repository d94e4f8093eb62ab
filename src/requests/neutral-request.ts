/**
 * @module What a stage asks a model for, in truebatch's own terms: no provider's field names. Each provider encodes
 * it into its own wire line (see `providers/request-codec.ts`); fingerprints are taken over it, so a change of wire
 * encoding alone is not a change of work.
 */

/** A JSON object (a JSON Schema, a tool's declaration). */
export type JsonObject = Record<string, unknown>;

/**
 * A piece of the user's turn: text, or a PDF or image (see document-parts.ts: truebatch's own requests hold a
 * content-addressed reference in `uri` / `base64`, bound when the line is written). `pages` is a PDF's page count.
 */
export type RequestPart =
  | { readonly kind: 'text'; readonly text: string }
  /** A file the provider already holds (an uploaded file's URI). */
  | { readonly kind: 'file'; readonly uri: string; readonly mimeType: string; readonly pages?: number }
  /** Bytes sent in the request itself, base64-encoded. */
  | { readonly kind: 'inline'; readonly mimeType: string; readonly base64: string; readonly pages?: number };

/**
 * How the model should generate. Members keep the order the stage's config gives them in (an encoder may follow it,
 * so its wire bytes stay the same); the fingerprint ignores the order.
 */
export interface GenerationOptions {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly maxOutputTokens?: number;
  readonly candidateCount?: number;
  readonly stopSequences?: readonly string[];
  readonly seed?: number;
  /** The answer's MIME type, e.g. `application/json`. */
  readonly outputMimeType?: string;
  /** A JSON Schema the answer must follow. */
  readonly outputSchema?: JsonObject;
  /** An OpenAPI-subset schema the answer must follow (what some providers take instead of a JSON Schema). */
  readonly outputOpenApiSchema?: JsonObject;
  /** Reasoning before the answer: a token budget (-1: the model decides) and whether to return the thoughts. */
  readonly thinking?: { readonly budgetTokens?: number; readonly includeThoughts?: boolean };
}

/**
 * A tool the model may call: a declared function, web search (grounding), or reading the URLs a prompt names. A
 * function with `answer: true` is the answer: the model must call it, and the call's arguments are judged as the
 * stage's JSON answer would be.
 */
export type ToolSpec =
  | {
      readonly kind: 'function';
      readonly name: string;
      readonly description?: string;
      /** A JSON Schema of the arguments. */
      readonly parameters?: JsonObject;
      readonly answer?: true;
    }
  | { readonly kind: 'web-search' }
  | { readonly kind: 'url-context' };

/**
 * An embedding request: the content becomes one vector instead of an answer. Members absent: the model's defaults.
 */
export interface EmbeddingOptions {
  /** Values in the vector (models trained for it keep the leading ones). */
  readonly dimensions?: number;
  /** What the vector is for, passed verbatim (e.g. `RETRIEVAL_DOCUMENT`, `CLUSTERING`). */
  readonly taskType?: string;
}

/** One request, as truebatch means it. */
export interface NeutralRequest {
  /** System text, verbatim. */
  readonly system?: string;
  /** The user's turn, in order. */
  readonly content: readonly RequestPart[];
  readonly generation: GenerationOptions;
  readonly tools?: readonly ToolSpec[];
  /**
   * A context cached at the provider beforehand, by the provider's name for it. Bound only when a shard is written
   * (like an uploaded file's URI): the fingerprinted request carries the context inline instead.
   */
  readonly cachedContext?: { readonly name: string };
  /** Set: embed the content into one vector (no system, tools or generation options then). */
  readonly embedding?: EmbeddingOptions;
}

/** `request` with one more text part at the end (a repair note). */
export function withTextPart(request: NeutralRequest, text: string): NeutralRequest {
  return { ...request, content: [...request.content, { kind: 'text', text }] };
}

/** What an explicit cache of a request's first `sharedParts` parts holds: the system text, those parts and the tools. */
export interface CachedContextContent {
  readonly system?: string;
  readonly content: readonly RequestPart[];
  readonly tools?: readonly ToolSpec[];
}

/** The part of `request` that a cache of its first `sharedParts` parts holds. */
export function sharedContextOf(request: NeutralRequest, sharedParts: number): CachedContextContent {
  return {
    ...(request.system === undefined ? {} : { system: request.system }),
    content: request.content.slice(0, sharedParts),
    ...(request.tools === undefined ? {} : { tools: request.tools }),
  };
}

/**
 * `request` served from the cache `name`, which holds its system text, its first `sharedParts` parts and its tools
 * (see {@link sharedContextOf}): those leave the request, which names the cache instead (a provider refuses a request
 * that repeats what its cache holds).
 */
export function withCachedContext(request: NeutralRequest, name: string, sharedParts: number): NeutralRequest {
  const { system: _system, tools: _tools, cachedContext: _previous, ...rest } = request;
  return { ...rest, content: request.content.slice(sharedParts), cachedContext: { name } };
}
