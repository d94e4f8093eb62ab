/**
 * @module The one interface the engine knows about a batch provider. Gemini implements it first; every
 * provider-specific detail stays behind it.
 */

import type { CachedContextContent } from '../requests/index.ts';

/** A job's normalised state. `pending` covers queued and preparing. */
export type RemoteJobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

/** The states after which a job never changes again. */
export const TERMINAL_JOB_STATES: ReadonlySet<RemoteJobState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'expired',
]);

/** Request counts as the provider reports them (absent counters are 0). */
export interface RequestCounts {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
}

/** A provider batch job, as far as the engine needs to know it. */
export interface RemoteJob {
  /** The provider's id, e.g. `batches/abc123`. */
  name: string;
  displayName: string | undefined;
  state: RemoteJobState;
  /** The provider's own state string, e.g. `BATCH_STATE_RUNNING`. */
  rawState: string;
  requestCounts: RequestCounts | undefined;
  /** Where the results are, once there are any (e.g. `files/batch-abc123`). */
  outputFile: string | undefined;
  /** Why the job failed or was cancelled, when the provider says. */
  error: { code: number; message: string } | undefined;
  createTime: string | undefined;
  endTime: string | undefined;
}

/** An uploaded input file. */
export interface UploadedFile {
  /** e.g. `files/abc123` */
  name: string;
  sizeBytes: number;
}

/** A document (a PDF or image) stored at the provider for requests to reference. */
export interface UploadedDocument {
  /** e.g. `files/abc123` (what `deleteFile` takes). */
  name: string;
  /** What a request references it by. */
  uri: string;
  displayName: string | undefined;
  sizeBytes: number;
  /** When the provider deletes it (ms since the epoch); undefined when it keeps files. */
  expiresAt: number | undefined;
}

/** Documents at the provider. Deleting one is `deleteFile(name)`. */
export interface DocumentFiles {
  /** Uploads a document and resolves once it can be referenced. Not idempotent: the engine records its intent first. */
  upload(path: string, options: { displayName: string; mimeType: string }): Promise<UploadedDocument>;
  /** Every stored file whose display name starts with `prefix` (to reconcile upload intents after a crash). */
  list(prefix: string): Promise<UploadedDocument[]>;
}

/** The usage counters of one response, as the provider reported them. */
export interface TokenUsage {
  promptTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  cachedTokens: number;
  totalTokens: number;
}

/** One line of a result file, normalised. Per-line failures are data, never exceptions. */
export type ResultItem =
  | { kind: 'response'; key: string; lineNumber: number; response: ModelResponse }
  | { kind: 'error'; key: string; lineNumber: number; error: { code: number; message: string } }
  | { kind: 'malformed'; lineNumber: number; reason: string; raw: string };

/**
 * Why the model stopped, in truebatch's terms: `stop` (it finished), `max-tokens` (the output limit was spent),
 * `blocked` (a policy filter stopped it), `other` (anything else the provider reports).
 */
export type FinishKind = 'stop' | 'max-tokens' | 'blocked' | 'other';

/** A source the answer cites or was grounded on, when the provider reports one. */
export interface Citation {
  uri: string | undefined;
  title: string | undefined;
}

/**
 * What a grounded answer rests on: the searches the model ran, the sources it found, and which text of the answer
 * each source supports (`sources` index into {@link Grounding.sources}).
 */
export interface Grounding {
  queries: string[];
  sources: Citation[];
  supports: { text: string; sources: number[] }[];
}

/**
 * What came back for one request, as a neutral result: each provider reads its own lines into it, and `results/`
 * judges it without knowing the provider. The raw response is kept too.
 */
export interface ModelResponse {
  /** The answer's text (the first candidate's, thoughts left out), if any. */
  text: string | undefined;
  /** Why the model stopped; undefined when there was no answer at all. */
  finish: FinishKind | undefined;
  /** The provider's own word for it (e.g. Gemini's `MAX_TOKENS`), for messages. */
  rawFinish: string | undefined;
  /** How the provider's own terms name the stop (or the lack of an answer), for messages. */
  finishNote: string;
  /** Set, with the provider's reason, when the prompt itself was refused. */
  promptBlocked: string | undefined;
  usage: TokenUsage | undefined;
  modelVersion: string | undefined;
  /** Sources cited or searched, when the provider reports any. */
  citations?: Citation[];
  /** The vector, for an embedding request (then there is no text). */
  embedding?: number[];
  /** Web-search grounding of the answer, when the model searched. */
  grounding?: Grounding;
  /** The function the model called as its answer (the first call of the answer), and its arguments. */
  functionCall?: { name: string; args: unknown };
  raw: unknown;
}

/**
 * What a provider can take and give per job, in numbers. `undefined` means the provider states no such limit. The
 * engine cuts shards within these limits merged with the project's own `sharding` settings (the smaller wins).
 */
export interface ProviderLimits {
  /** Requests in one job. */
  readonly maxRequestsPerJob: number | undefined;
  /** Bytes of one job's input (for an uploaded file: the file). */
  readonly maxBytesPerJob: number | undefined;
  /** Bytes of a job whose requests travel inline in the create call. */
  readonly maxInlineBytes: number | undefined;
  /** How long the provider keeps an uploaded input file or a result file. */
  readonly fileExpiryMs: number | undefined;
}

/**
 * What a provider declares about itself instead of the engine assuming it. Today every provider takes an uploaded
 * file, reconciles by display name and returns one result file; the other values name what OpenAI (output and
 * error files, metadata tags) and Anthropic (inline requests, a result stream) need.
 */
export interface ProviderCapabilities {
  /** How this provider sends a job's requests: in an uploaded file, or inline in the create call. */
  readonly input: 'uploaded-file' | 'inline';
  /**
   * How a create whose reply was lost is found again: by the job's display name, by a metadata tag carried by the
   * job, or by a strategy of the provider's own.
   */
  readonly reconciliation: 'display-name' | 'metadata-tag' | 'provider-strategy';
  /** How results come back: one file, several files (e.g. output and errors), or a stream. */
  readonly results: 'one-file' | 'several-files' | 'stream';
  /**
   * Whether a job's result file can be deleted at the provider after collecting. When not, the engine never tries
   * (the file expires on its own); Gemini's result ids are too long for its own get and delete calls.
   */
  readonly deletableResultFiles: boolean;
  readonly limits: ProviderLimits;
}

/** A context cache held at the provider, as the engine tracks it. */
export interface CachedContextInfo {
  /** The provider's name for it, which requests reference (e.g. `cachedContents/abc`). */
  name: string;
  displayName: string;
  model: string;
  /** When the provider drops it, epoch ms. */
  expiresAt: number;
  /** Tokens it holds, when the provider says. */
  tokens?: number;
}

/**
 * Explicit context caches (optional: a provider without them leaves `caches` undefined, and stages put the shared
 * context first in every request instead). Create is not idempotent: the engine records its intent first and
 * reconciles by display name, as for jobs.
 */
export interface ContextCaches {
  /** Creates a cache of `content` for `model`, kept `ttlSeconds` unless extended. */
  createCache(options: { model: string; displayName: string; content: CachedContextContent; ttlSeconds: number }): Promise<CachedContextInfo>;
  /** Reads one cache. Rejects with `NotFoundError` (and only that) when it is gone (deleted or expired). */
  getCache(name: string): Promise<CachedContextInfo>;
  /** Keeps a cache `ttlSeconds` from now. Rejects with `NotFoundError` when it is gone. */
  extendCache(name: string, ttlSeconds: number): Promise<CachedContextInfo>;
  /** Deletes a cache; one already gone is not an error. */
  deleteCache(name: string): Promise<void>;
  /** Every live cache with exactly this display name (to reconcile an intent after a crash). */
  findCachesByDisplayName(displayName: string): Promise<CachedContextInfo[]>;
}

/**
 * The model asked at once, outside a batch (#19: an audit sends a sample of batch requests again to compare the
 * answers). The only interactive calls truebatch makes; each is paid at the provider's standard price.
 */
export interface InteractiveModel {
  /**
   * Sends one stored wire request (what the provider's codec encoded for the batch line keyed `key`) to `model` and
   * returns the answer. Not idempotent (it is paid for): the caller records its intent first. A refused request is
   * a ProviderError, retryable only when the provider refused before answering (429, 503).
   */
  generate(options: { model: string; key: string; requestJson: string }): Promise<ModelResponse>;
}

/** The contract every batch provider implements. */
export interface BatchProvider {
  /** e.g. `gemini`; also the name its result reader is registered under (see registry.ts). */
  readonly name: string;
  /** What this provider takes and gives; the engine reads it instead of assuming Gemini's behaviour. */
  readonly capabilities: ProviderCapabilities;
  /** Documents (PDFs, images) that requests reference by URI; absent when the provider takes them inline only. */
  readonly documents?: DocumentFiles;
  /** Uploads a JSONL input file. Rejects if the provider did not really store it. */
  uploadFile(path: string, options: { displayName: string }): Promise<UploadedFile>;
  /**
   * Creates a batch job from an uploaded file. Not idempotent: the engine records its intent first. A refusal for
   * bad input lines is a non-retryable ProviderError whose `refusedLines` name them (1-based, in the input file).
   * `task: 'embed'` says the file's requests are embedding requests (see `NeutralRequest.embedding`); absent, they
   * generate.
   */
  createJob(options: { model: string; inputFile: string; displayName: string; task?: 'generate' | 'embed' | undefined }): Promise<RemoteJob>;
  /**
   * Reads one job by name. Rejects with `NotFoundError` (and only that) when the provider does not know the job:
   * the engine then records it as lost and resubmits its requests.
   */
  getJob(name: string): Promise<RemoteJob>;
  /** Every job with exactly this display name (to reconcile an intent after a crash). */
  findJobsByDisplayName(displayName: string): Promise<RemoteJob[]>;
  /** Asks the provider to cancel a job. Finished results stay collectable. */
  cancelJob(name: string): Promise<void>;
  /** Streams a job's result file to `destPath`. */
  downloadResults(job: RemoteJob, destPath: string): Promise<void>;
  /**
   * Deletes an uploaded input file, or a job's result file where `capabilities.deletableResultFiles` allows it, at
   * the provider, to free its storage quota (Gemini's Files API holds 20 GB per project). A file that is already
   * gone is not an error.
   */
  deleteFile(name: string): Promise<void>;
  /**
   * Streams a downloaded result file as normalised items, one per line. Collection reads on a worker thread, through
   * `resultReaderFor(name)` (registry.ts), which finds the same reader by the provider's name.
   */
  readResults(path: string): AsyncIterable<ResultItem>;
  /** Explicit context caches, when the provider has them. */
  readonly caches?: ContextCaches;
  /** Interactive calls for audits, when the provider offers them. */
  readonly interactive?: InteractiveModel;
}
