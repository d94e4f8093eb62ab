/**
 * @module Built-in tools: Grounding with Google Search (`googleSearch`; the older `googleSearchRetrieval` only before Gemini 2) and
 * URL context (`urlContext`). A grounded answer carries deterministic `groundingMetadata` on its candidate: the web
 * search queries (from the question), grounding chunks with stable fake URIs under `grounding.example` (RFC 2606
 * reserves example.*; real ones are `vertexaisearch.cloud.google.com/grounding-api-redirect/…` with the site's
 * domain as title), grounding supports whose segments point into the answer text by UTF-8 byte offsets (as the
 * real ones do: firebase-android-sdk#8033), and a search entry point. URL context gives `urlContextMetadata` for
 * each URL in the prompt. Shapes: REST reference GroundingMetadata / UrlContextMetadata (ai.google.dev/api).
 */
import { InputError } from '../../shared/index.ts';
import { camelCaseName, describeJsonKind, isJsonObject, type JsonObject } from './object-fields.ts';
import { sha256HexOf } from './seeding.ts';

/** The built-in tools a request enables. */
export interface BuiltInTools {
  /** `googleSearch`, or the older `googleSearchRetrieval` (Gemini 1.5 only). */
  readonly googleSearch: boolean;
  readonly searchRetrieval: boolean;
  readonly urlContext: boolean;
  readonly codeExecution: boolean;
}

const NO_TOOLS: BuiltInTools = { googleSearch: false, searchRetrieval: false, urlContext: false, codeExecution: false };

/** Reads the built-in tools of a request's `tools` (function declarations are someone else's business). */
export function builtInToolsOf(request: unknown): BuiltInTools {
  if (!isJsonObject(request)) return NO_TOOLS;
  const tools = request['tools'];
  if (tools === undefined || tools === null) return NO_TOOLS;
  if (!Array.isArray(tools)) throw new InputError('tools', `must be an array, got ${describeJsonKind(tools)}`);
  const names = new Set<string>();
  tools.forEach((tool: unknown, index) => {
    if (!isJsonObject(tool)) throw new InputError(`tools[${index}]`, `must be a Tool object, got ${describeJsonKind(tool)}`);
    for (const name of Object.keys(tool)) names.add(camelCaseName(name));
  });
  return {
    googleSearch: names.has('googleSearch') || names.has('googleSearchRetrieval'),
    searchRetrieval: names.has('googleSearchRetrieval'),
    urlContext: names.has('urlContext'),
    codeExecution: names.has('codeExecution'),
  };
}

/**
 * Why the model refuses the request's built-in tools, or undefined when it takes them:
 * - `googleSearchRetrieval` from Gemini 2 on: "Please use google_search field instead of google_search_retrieval
 *   field." [issue simonw/llm-gemini#39, the API's words as a client printed them];
 * - built-in tools with a JSON answer before Gemini 3: "Tool use with a response mime type: 'application/json' is
 *   unsupported" [issues snailyp/gemini-balance#264, #286; 3p]; Gemini 3 can (spec D.2, vercel/ai#11599).
 */
export function toolRefusal(tools: BuiltInTools, responseMimeType: string, model: string): string | undefined {
  const generation = modelGeneration(model);
  if (tools.searchRetrieval && generation >= 2) return 'Please use google_search field instead of google_search_retrieval field.';
  const anyTool = tools.googleSearch || tools.urlContext || tools.codeExecution;
  if (!anyTool || responseMimeType !== 'application/json' || generation >= 3) return undefined;
  return "Tool use with a response mime type: 'application/json' is unsupported";
}

function modelGeneration(model: string): number {
  return Number(/gemini-(\d+(?:\.\d+)?)/.exec(model)?.[1] ?? '0');
}

const STOP_WORDS = new Set(['the', 'and', 'for', 'with', 'what', 'which', 'who', 'how', 'are', 'was', 'were', 'is', 'this', 'that', 'from', 'of', 'in', 'on', 'a', 'an', 'to', 'its', 'does', 'do', 'give', 'find', 'please']);
const MAX_QUERY_WORDS = 8;
const MAX_SUPPORTS = 6;

/** Sentences (ended by . ! ? before a space or the end, or by a line break; "0.42" stays whole) and lines. */
const SENTENCE = /\S[^\n]*?(?:[.!?]+(?=\s|$)|(?=\n)|$)/g;

/** The search queries: the question's sentences (those ending in "?" first), at most two, without filler words. */
function searchQueries(promptTexts: readonly string[], answer: string): string[] {
  const sentences = (promptTexts.at(-1) ?? answer).match(SENTENCE) ?? [];
  const ordered = [...sentences.filter((sentence) => sentence.endsWith('?')).reverse(), ...sentences.filter((sentence) => !sentence.endsWith('?'))];
  const queries: string[] = [];
  for (const sentence of ordered) {
    const words = (sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? []).filter((word) => !STOP_WORDS.has(word));
    if (words.length === 0) continue;
    const query = words.slice(0, MAX_QUERY_WORDS).join(' ');
    if (!queries.includes(query)) queries.push(query);
    if (queries.length === 2) break;
  }
  return queries.length > 0 ? queries : ['gemini grounding'];
}

/** Segments of `text` worth citing: sentences or lines holding a letter or digit, as UTF-8 byte ranges. */
function citableSegments(text: string): { start: number; end: number; text: string }[] {
  const segments: { start: number; end: number; text: string }[] = [];
  for (const match of text.matchAll(SENTENCE)) {
    const body = match[0].trimEnd();
    if (!/[\p{L}\p{N}]/u.test(body) || body.length < 3) continue;
    const startChar = match.index;
    const start = Buffer.byteLength(text.slice(0, startChar), 'utf8');
    segments.push({ start, end: start + Buffer.byteLength(body, 'utf8'), text: body });
    if (segments.length === MAX_SUPPORTS) break;
  }
  return segments;
}

/** `groundingMetadata` for an answer `text` (in part `partIndex` of the candidate) to `promptTexts`. */
export function groundingMetadataFor(text: string, partIndex: number, promptTexts: readonly string[]): JsonObject {
  const queries = searchQueries(promptTexts, text);
  const digest = sha256HexOf(JSON.stringify(queries));
  const chunkCount = 2 + (parseInt(digest.slice(0, 2), 16) % 3);
  const chunks = Array.from({ length: chunkCount }, (_, index) => {
    const token = sha256HexOf(`${digest}:${index}`);
    return { web: { uri: `https://grounding.example/grounding-api-redirect/${token.slice(0, 32)}`, title: `source-${token.slice(32, 38)}.example` } };
  });
  const supports = citableSegments(text).map((segment, index) => ({
    segment: {
      ...(partIndex === 0 ? {} : { partIndex }),
      // proto3 JSON leaves out zero: the first segment has no startIndex.
      ...(segment.start === 0 ? {} : { startIndex: segment.start }),
      endIndex: segment.end,
      text: segment.text,
    },
    groundingChunkIndices: index % 2 === 0 ? [index % chunkCount] : [index % chunkCount, (index + 1) % chunkCount],
  }));
  const chips = queries.map((query) => `<a class="chip" href="https://grounding.example/search?q=${encodeURIComponent(query)}">${escapeHtml(query)}</a>`);
  return {
    searchEntryPoint: { renderedContent: `<div class="container">${chips.join('')}</div>` },
    groundingChunks: chunks,
    groundingSupports: supports,
    webSearchQueries: queries,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Every http(s) URL in the prompt, at most 20 (URL context's limit per request [doc ai.google.dev url-context]). */
export function promptUrls(promptTexts: readonly string[]): string[] {
  const urls: string[] = [];
  for (const text of promptTexts) {
    for (const match of text.matchAll(/https?:\/\/[^\s"'<>()[\]{}]+[^\s"'<>()[\]{}.,;:!?]/g)) {
      if (!urls.includes(match[0])) urls.push(match[0]);
    }
  }
  return urls.slice(0, 20);
}

/**
 * `response` with `groundingMetadata` (Google Search) and `urlContextMetadata` (URL context) on its first candidate,
 * computed from the candidate's first non-thought text part. Unchanged without those tools or without candidates.
 */
export function withToolMetadata(response: Record<string, unknown>, tools: BuiltInTools, promptTexts: readonly string[]): Record<string, unknown> {
  if (!tools.googleSearch && !tools.urlContext) return response;
  const candidates = response['candidates'];
  const first: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
  if (!isJsonObject(first)) return response;
  const content = first['content'];
  const parts: unknown[] = isJsonObject(content) && Array.isArray(content['parts']) ? content['parts'] : [];
  const partIndex = parts.findIndex((part) => isJsonObject(part) && typeof part['text'] === 'string' && part['thought'] !== true);
  const text = partIndex < 0 ? '' : ((parts[partIndex] as JsonObject)['text'] as string);
  const candidate: JsonObject = { ...first };
  if (tools.googleSearch) candidate['groundingMetadata'] = groundingMetadataFor(text, Math.max(partIndex, 0), promptTexts);
  if (tools.urlContext) {
    const urlMetadata = promptUrls(promptTexts).map((url) => ({ retrievedUrl: url, urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS' }));
    candidate['urlContextMetadata'] = { urlMetadata };
  }
  return { ...response, candidates: [candidate, ...(candidates as unknown[]).slice(1)] };
}
