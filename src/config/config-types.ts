/**
 * @module The resolved project config every other folder receives: absolute paths, files read, defaults merged,
 * environment applied. Objects of these types are deeply frozen at run time.
 */
import type { PriceOverride } from '../cost/index.ts';
import type { FaultConfig } from '../emulator/faults.ts';
import type { ToolSpec } from '../requests/neutral-request.ts';

/** A JSON object (a parsed JSON Schema, an OpenAPI schema). */
export type JsonObject = Record<string, unknown>;

/** The Gemini `generationConfig` of a stage, with `responseJsonSchemaFile` already read into `responseJsonSchema`. */
export interface GenerationConfig {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly maxOutputTokens?: number;
  readonly candidateCount?: 1;
  readonly stopSequences?: string[];
  readonly seed?: number;
  /** Set to `application/json` when a response schema is given and no MIME type is. */
  readonly responseMimeType?: string;
  /** Gemini's OpenAPI-subset schema. */
  readonly responseSchema?: JsonObject;
  /** A JSON Schema the model's answer must follow. */
  readonly responseJsonSchema?: JsonObject;
  readonly thinkingConfig?: { readonly thinkingBudget?: number; readonly includeThoughts?: boolean };
}

/** A stage whose documents are files in a folder (`input.dir`). */
export interface FilesInput {
  readonly kind: 'files';
  /** Absolute folder. */
  readonly dir: string;
  /** Globs relative to `dir`. @default ['**\/*.json', '**\/*.md', '**\/*.txt'] */
  readonly include: string[];
  /** The default exclusions first (consolidation files, hidden files, node_modules), then the stage's own. */
  readonly exclude: string[];
  readonly expectedCount?: number;
  /** JSON field whose string value is the document id instead of the file stem. */
  readonly idField?: string;
  /** @default false */
  readonly followSymlinks: boolean;
}

/** A stage whose documents are another stage's outputs (`input.stage`), one per upstream document. */
export interface StageOutputInput {
  readonly kind: 'stage';
  /** The upstream stage's name; it exists, and stages never form a cycle. */
  readonly stage: string;
  /** Also join in the upstream stage's original document. @default false */
  readonly withDocument: boolean;
}

/** Where a stage's documents come from: files, or an upstream stage's outputs. */
export type StageInput = FilesInput | StageOutputInput;

/** When a stage's ready requests are cut into a job. */
export interface BatchingConfig {
  /** Cut a job once at least this many requests are ready. @default 1 */
  readonly minRequests: number;
  /** ...or once the oldest ready request has waited this long (or when nothing more can arrive). @default 0 */
  readonly maxWaitMs: number;
}

/** A spending cap in USD; absent means no cap. */
export interface BudgetConfig {
  readonly maxUsd?: number;
}

/** Run a small sample first and go on only if enough of it is valid. */
export interface CanaryConfig {
  /** How many documents the canary runs. */
  readonly size: number;
  /** The share (0 to 1) of canary outputs that must be valid to go on. */
  readonly minValidRate: number;
}

/** An embedding stage's options. */
export interface EmbeddingConfig {
  /** Values per vector; the model's own size when absent. */
  readonly outputDimensionality?: number;
  /** What the vectors are for, in the provider's words (e.g. `RETRIEVAL_DOCUMENT`). */
  readonly taskType?: string;
}

/** Which variant of a config stage a resolved stage is (`variants:`, issue #19). */
export interface StageVariant {
  /** The stage's name as written in the config (the resolved stage is named `<stage>.<variant>`). */
  readonly stage: string;
  readonly name: string;
  /** The first variant: the one a downstream `input.stage: <stage>` reads. */
  readonly primary: boolean;
}

/** One resolved pipeline stage. */
export interface StageConfig {
  /** The config's stage name, or `<stage>.<variant>` for a variant of a stage with `variants:`. */
  readonly name: string;
  /** Set when this stage is one variant of a config stage with `variants:`. */
  readonly variant?: StageVariant;
  /**
   * The registry name of the provider the stage's jobs go to: the stage's (or its variant's) `provider`, else the
   * project's. In the config the engine is handed, a provider `openProject` was told to use instead (a test's `fake`).
   */
  readonly provider: string;
  /** The stage's model, or the project's. */
  readonly model: string;
  /** `generate`: a JSON answer per document; `embed`: one vector per document (see README, `task: embed`). */
  readonly task: 'generate' | 'embed';
  /** How an `embed` stage's vectors are made (absent members: the provider's defaults). */
  readonly embedding?: EmbeddingConfig;
  readonly input: StageInput;
  /** Request key template with `{id}` and `{stage}`. @default '{id}_{stage}' */
  readonly keyTemplate: string;
  readonly prompt: {
    /** The prompt template text (`{{name}}`, `{{a.b}}`, `{{document}}` placeholders), read from its file if one was named. */
    readonly template: string;
    /** Absolute path of the template file, when the template came from one. */
    readonly templateFile?: string;
    /** The system instruction text, read from `systemFile` if one was named. */
    readonly system?: string;
  };
  readonly generationConfig: GenerationConfig;
  readonly validation: {
    /** JSON Schema for outputs: `validation.schema`/`schemaFile`, else the stage's `responseJsonSchema`. */
    readonly schema?: JsonObject;
    /** Canonical field name → variant names the model may use instead. */
    readonly aliases: Record<string, string[]>;
    readonly required: string[];
    /** Each group: at least one of these fields must be present. */
    readonly anyOf: string[][];
  };
  readonly output: {
    /** Absolute folder. @default '<projectDir>/outputs/<stage name>' */
    readonly dir: string;
    /** File name template with `{key}`, `{id}`, `{stage}`, `{timestamp}`. @default '{key}_{timestamp}.json' */
    readonly fileNameTemplate: string;
  };
  /** @default 3 */
  readonly maxAttempts: number;
  /** On retry, append a note quoting the validation problems. @default true */
  readonly repairNote: boolean;
  readonly batching: BatchingConfig;
  /** Documents whose estimated prompt tokens exceed this are refused at plan time. @default 1_000_000 */
  readonly maxInputTokens: number;
  /** This stage's own cap. @default {} */
  readonly budget: BudgetConfig;
  readonly canary?: CanaryConfig;
  /** What every request of the stage shares, placed first (see {@link StageContext}). */
  readonly context?: StageContext;
  /** Built-in tools the model may use (`googleSearch` is `web-search`), then the answer function (`answerFunction`), as neutral tools. */
  readonly tools?: readonly ToolSpec[];
  /** How PDFs and images travel: inline up to `inlineMaxBytes`, else uploaded (`travel: auto`). */
  readonly documents: { readonly travel: 'auto' | 'inline' | 'file'; readonly inlineMaxBytes: number; readonly maxJobWaitMs: number };
}

/** A fully resolved, deeply frozen project config. */
export interface ProjectConfig {
  /** Absolute project folder. */
  readonly projectDir: string;
  /** Absolute path of the config file that was loaded. */
  readonly configFile: string;
  /**
   * The provider's registry name: the config's or `--provider`'s choice (one of `PROVIDER_NAMES`), or, in the config
   * the engine is handed, the provider `openProject` connected (a test's `fake`).
   */
  readonly provider: string;
  /** The provider's API key, from the environment only (`OPENAI_API_KEY` for `openai`); never written anywhere. */
  readonly apiKey: string | undefined;
  /** The provider's base URL (`OPENAI_BASE_URL` for `openai`; Gemini's: see load-project-config.ts). */
  readonly baseUrl: string | undefined;
  /** The key and base URL of each other provider a stage names (like `apiKey` and `baseUrl`, from the environment only). */
  readonly stageProviderAccess: Readonly<Record<string, { readonly apiKey: string | undefined; readonly baseUrl: string | undefined }>>;
  readonly gemini: { readonly apiVersion: 'v1beta' | 'v1'; readonly uploadMimeType: string };
  readonly emulator: {
    readonly seed: number;
    readonly jobDurationMs: number;
    /** Inline `faults` or the parsed `faultsFile`, validated, defaults applied. */
    readonly faults: FaultConfig;
  };
  readonly polling: {
    readonly initialIntervalMs: number;
    readonly maxIntervalMs: number;
    readonly backoffFactor: number;
    /** A job PENDING this long after submission is reported as stale. @default 86400000 (24 h) */
    readonly staleAfterMs: number;
  };
  /** Retries of repeatable provider calls, and how long a run waits for a silent provider. */
  readonly resilience: {
    /** Full-jitter exponential backoff; a provider's Retry-After or RetryInfo wins. @default { attempts: 5, initialDelayMs: 1000, maxDelayMs: 30000 } */
    readonly retry: { readonly attempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
    /** The run exits 8 when no call to the provider has succeeded for this long. @default 1800000 (30 min) */
    readonly patienceMs: number;
  };
  readonly sharding: { readonly maxRequestsPerJob: number; readonly maxBytesPerJob: number };
  /** Model id → price override (USD per 1M tokens) over the built-in table; checked by `createPriceTable`. @default {} */
  readonly prices: Record<string, PriceOverride>;
  /** The whole project's cap. @default {} */
  readonly budget: BudgetConfig;
  /** In topological order: every stage after the stage it reads from; otherwise in the file's order. */
  readonly stages: StageConfig[];
}

/** One shared piece of a stage's context, with where it came from (for messages and `plan`). */
export type ContextPart = { readonly kind: 'text'; readonly text: string; readonly source: string };

/** A stage's shared context: its parts in order, and how to decide on an explicit cache. */
export interface StageContext {
  readonly pieces: readonly ContextPart[];
  readonly cache: 'auto' | 'always' | 'never';
  /** Hours from cache creation to collection that `plan` prices storage for, when the config says. */
  readonly expectedHours?: number;
}

