/** @module The zod schema of one pipeline stage, as a user writes it in the config file. */
import { z } from 'zod';
import { documentsSchema } from './documents-schema.ts';
import { batchingSchema, budgetSchema, canarySchema, maxInputTokensSchema } from './limits-schema.ts';
import { stageInputSchema } from './stage-input-schema.ts';

/** Always excluded, before the stage's own `input.exclude`. */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/complete_dataset.json',
  '**/*_dataset.json',
  '**/.*',
  '**/node_modules/**',
];
/** Default `key` template. */
export const DEFAULT_KEY_TEMPLATE = '{id}_{stage}';
/** Default `output.fileName` template. */
export const DEFAULT_OUTPUT_FILE_NAME = '{key}_{timestamp}.json';

/** The providers a project, a stage or a variant can name (`ProviderName`). */
export const PROVIDER_NAMES = ['gemini', 'emulator', 'openai', 'openai-emulator', 'anthropic', 'anthropic-emulator'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
const jsonObject = z.record(z.string(), z.unknown());

/** `{name}` placeholders of a template, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

function templateSchema(allowed: readonly string[], mustHaveOneOf: readonly string[], what: string) {
  return nonEmpty.superRefine((template, ctx) => {
    const used = placeholdersOf(template);
    const unknown = used.filter((name) => !allowed.includes(name));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}; expected only ${allowed.map((n) => `{${n}}`).join(', ')}`,
      });
    } else if (!used.some((name) => mustHaveOneOf.includes(name))) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${mustHaveOneOf.map((n) => `{${n}}`).join(' or ')} in the template, or every document ${what}`,
      });
    } else if (/[/\\]/.test(template.replace(/\{[^{}]*\}/g, ''))) {
      ctx.addIssue({ code: 'custom', message: 'expected no `/` or `\\` (it names one file, not a path)' });
    }
  });
}

const promptSchema = z
  .object({
    file: nonEmpty.optional(),
    template: nonEmpty.optional(),
    systemFile: nonEmpty.optional(),
    system: nonEmpty.optional(),
  })
  .strict()
  .superRefine((prompt, ctx) => {
    if ((prompt.file === undefined) === (prompt.template === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of `file` (a path) or `template` (inline text)' });
    }
    if (prompt.system !== undefined && prompt.systemFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at most one of `system` and `systemFile`' });
    }
  });

const generationConfigSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().positive().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    candidateCount: z.literal(1).optional(),
    stopSequences: z.array(z.string().min(1)).max(5).optional(),
    seed: z.number().int().optional(),
    responseMimeType: nonEmpty.optional(),
    responseSchema: jsonObject.optional(),
    responseJsonSchema: jsonObject.optional(),
    responseJsonSchemaFile: nonEmpty.optional(),
    thinkingConfig: z
      .object({ thinkingBudget: z.number().int().min(-1).optional(), includeThoughts: z.boolean().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const given = (['responseSchema', 'responseJsonSchema', 'responseJsonSchemaFile'] as const).filter(
      (key) => config[key] !== undefined,
    );
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected at most one of responseSchema, responseJsonSchema, responseJsonSchemaFile; got ${given.join(' and ')}`,
      });
    }
  });

const validationSchema = z
  .object({
    schema: jsonObject.optional(),
    schemaFile: nonEmpty.optional(),
    aliases: z.record(nonEmpty, z.array(nonEmpty).min(1)).default({}),
    required: z.array(nonEmpty).default([]),
    anyOf: z.array(z.array(nonEmpty).min(1)).default([]),
  })
  .strict()
  .superRefine((validation, ctx) => {
    if (validation.schema !== undefined && validation.schemaFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at most one of `schema` and `schemaFile`' });
    }
    const owner = new Map<string, string>();
    for (const [canonical, variants] of Object.entries(validation.aliases)) {
      variants.forEach((variant, index) => {
        const first = owner.get(variant) ?? (variant in validation.aliases ? variant : undefined);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['aliases', canonical, index],
            message: `\`${variant}\` is already ${first === variant ? 'a canonical name' : `an alias of \`${first}\``}; expected each variant to map to one canonical name`,
          });
        }
        owner.set(variant, canonical);
      });
    }
  });

const outputSchema = z
  .object({
    dir: nonEmpty.optional(),
    fileName: templateSchema(['key', 'id', 'stage', 'timestamp'], ['key', 'id'], 'output overwrites the last').default(
      DEFAULT_OUTPUT_FILE_NAME,
    ),
  })
  .strict();

/** The text an embedding stage embeds when it has no prompt: the whole document. */
export const DEFAULT_EMBED_TEMPLATE = '{{document}}';

/**
 * How an embedding stage's vectors are made (`task: embed`). `outputDimensionality` from 1 to 3072 (the emulator's
 * and gemini-embedding-001's largest; 128 and up is what Google recommends), `taskType` one of the provider's task
 * types (RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY, CLUSTERING...), checked by the provider at create.
 */
const embeddingSchema = z
  .object({
    outputDimensionality: z.number().int().min(1).max(3072).optional(),
    taskType: z.string().regex(/^[A-Z_]+$/, 'expected an upper-case task type such as RETRIEVAL_DOCUMENT').optional(),
  })
  .strict();

/**
 * `context:` text and/or files that every request of the stage shares, placed before the document (implicit caching)
 * or held in an explicit cache when it pays off (`cache: auto`) or is forced (`always`/`never`). `files` are text
 * files today; document kinds (PDFs) join as further part kinds. `expectedHours` is how long a job is expected to
 * wait from cache creation to collection (default: the stage's job history, else 24).
 */
const contextSchema = z
  .object({
    text: nonEmpty.optional(),
    files: z.array(nonEmpty).min(1).optional(),
    cache: z.enum(['auto', 'always', 'never']).default('auto'),
    expectedHours: z.number().positive().max(24 * 30).optional(),
  })
  .strict()
  .superRefine((context, ctx) => {
    if (context.text === undefined && context.files === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected `text`, `files` or both: the shared context' });
    }
  });

/** Built-in tools a stage may give the model, in the names users write. */
export const STAGE_TOOLS = ['googleSearch', 'urlContext'] as const;

/**
 * `answerFunction:` the model answers by calling this function (forced), and the call's arguments are the stage's
 * answer, validated like a JSON answer. Its parameters are the stage's validation schema. The name follows the
 * provider's rule for function names (Gemini: letters, digits, `_ . : -`, at most 64, not starting with a digit).
 */
const answerFunctionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/, 'expected a function name: letters, digits, `_`, `.`, `:` or `-`, at most 64, not starting with a digit'),
    description: nonEmpty.optional(),
  })
  .strict();

/** Output settings a forced function call has no use for: its arguments are the answer, shaped by its parameters. */
const RESPONSE_FORMAT_OPTIONS = ['responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseJsonSchemaFile'] as const;

/**
 * One variant of a stage (issue #19, "flash vs pro on our 500 papers"): what it changes of the stage. Each variant
 * runs as its own stage `<stage>.<variant>`, over the same documents, into `<output.dir>/<variant>/`.
 */
const variantSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, `_` and `-` only'),
    /** The variant's provider, over the stage's (compare one stage on two providers). */
    provider: z.enum(PROVIDER_NAMES).optional(),
    model: nonEmpty.optional(),
    /** Replaces the stage's prompt as a whole. */
    prompt: promptSchema.optional(),
    /** Merged over the stage's, field by field. */
    generationConfig: generationConfigSchema.optional(),
  })
  .strict();

/** One stage as written in the config file. */
export const stageSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, `_` and `-` only'),
    /** The stage's provider, over the project's `provider` (one project, stages on different providers). */
    provider: z.enum(PROVIDER_NAMES).optional(),
    model: nonEmpty.optional(),
    /** `generate` (the default): a model answers each document with JSON; `embed`: one vector per document. */
    task: z.enum(['generate', 'embed']).default('generate'),
    embedding: embeddingSchema.optional(),
    input: stageInputSchema,
    key: templateSchema(['id', 'stage'], ['id'], 'gets the same key').default(DEFAULT_KEY_TEMPLATE),
    /** Required for `generate`; for `embed`, the text to embed (default: the whole document). */
    prompt: promptSchema.optional(),
    generationConfig: generationConfigSchema.prefault({}),
    validation: validationSchema.prefault({}),
    output: outputSchema.prefault({}),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    repairNote: z.boolean().default(true),
    batching: batchingSchema.prefault({}),
    maxInputTokens: maxInputTokensSchema,
    budget: budgetSchema.prefault({}),
    canary: canarySchema.optional(),
    context: contextSchema.optional(),
    tools: z
      .array(z.enum(STAGE_TOOLS))
      .min(1)
      .refine((tools) => new Set(tools).size === tools.length, 'expected each tool once')
      .optional(),
    answerFunction: answerFunctionSchema.optional(),
    documents: documentsSchema.prefault({}),
    variants: z.array(variantSchema).min(2, 'expected at least two variants to compare').optional(),
  })
  .strict()
  .superRefine((stage, ctx) => {
    refineVariants(stage, ctx);
    if (stage.answerFunction !== undefined) refineAnswerFunction(stage, ctx);
    if (stage.task === 'generate') {
      const variantsGivePrompts = stage.variants?.every((variant) => variant.prompt !== undefined) === true;
      if (stage.prompt === undefined && !variantsGivePrompts) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'is required: give `file` (a path) or `template` (inline text)' });
      if (stage.embedding !== undefined) ctx.addIssue({ code: 'custom', path: ['embedding'], message: 'applies only to a stage with `task: embed`' });
      return;
    }
    // What means nothing to an embedding is refused rather than silently ignored.
    if (stage.prompt?.system !== undefined || stage.prompt?.systemFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'an embedding stage takes no system text; expected only `file` or `template`' });
    }
    if (Object.keys(stage.generationConfig).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['generationConfig'], message: 'an embedding stage generates nothing; set `embedding.outputDimensionality` / `embedding.taskType` instead' });
    }
    const { schema, schemaFile, aliases, required, anyOf } = stage.validation;
    if (schema !== undefined || schemaFile !== undefined || Object.keys(aliases).length + required.length + anyOf.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['validation'], message: 'an embedding stage has no JSON to validate (a vector of the right size is valid)' });
    }
  });

/** A stage after schema validation (defaults applied, files not yet read). */
export type ParsedStage = z.output<typeof stageSchema>;

/** Variant names are unique; a variant's prompt follows the stage's task rules like the stage's own. */
function refineVariants(stage: ParsedStage, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  stage.variants?.forEach((variant, index) => {
    if (seen.has(variant.name)) {
      ctx.addIssue({ code: 'custom', path: ['variants', index, 'name'], message: `expected a unique variant name; \`${variant.name}\` is given twice` });
    }
    seen.add(variant.name);
    if (stage.task === 'embed' && variant.generationConfig !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['variants', index, 'generationConfig'], message: 'an embedding stage generates nothing; expected no `generationConfig`' });
    }
  });
}

/**
 * A stage answering by function call: its parameters are the validation schema, so one must be given; a response
 * format is refused (a forced call answers with no text; Gemini before 3 also refuses a response schema with tools).
 */
function refineAnswerFunction(stage: ParsedStage, ctx: z.RefinementCtx): void {
  if (stage.task === 'embed') {
    ctx.addIssue({ code: 'custom', path: ['answerFunction'], message: 'an embedding stage calls no function; expected no `answerFunction`' });
    return;
  }
  if (stage.validation.schema === undefined && stage.validation.schemaFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['answerFunction'], message: 'needs `validation.schema` or `validation.schemaFile`: it is the function\'s parameters' });
  }
  const given = RESPONSE_FORMAT_OPTIONS.filter((key) => stage.generationConfig[key] !== undefined);
  if (given.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['generationConfig', given[0] ?? ''],
      message: `cannot be combined with \`answerFunction\` (the call's arguments are the answer, shaped by validation.schema); remove ${given.join(', ')}`,
    });
  }
}
