/**
 * @module Turns a validated config into the resolved {@link ProjectConfig}: paths made absolute, referenced files
 * read, defaults merged, flags and environment applied.
 */
import path from 'node:path';
import { createPriceTable, type PriceOverride } from '../cost/index.ts';
import { faultConfigSchema, type FaultConfig } from '../emulator/faults.ts';
import { ConfigError, errorMessage } from '../shared/index.ts';
import type { Locate } from './config-issues.ts';
import { issuesError } from './config-issues.ts';
import type { ParsedProjectConfig, ProviderName } from './config-schema.ts';
import type { ToolSpec } from '../requests/neutral-request.ts';
import type { ContextPart, GenerationConfig, JsonObject, ProjectConfig, StageConfig, StageContext, StageInput } from './config-types.ts';
import { readReferencedJsonObject, readReferencedText, type FieldRef } from './referenced-files.ts';
import { resolveProvider, resolveProviderAccess, type Env } from './resolve-env.ts';
import { topologicalOrder } from './stage-graph.ts';
import type { ParsedStageInput } from './stage-input-schema.ts';
import { displayPath } from './display-path.ts';
import { DEFAULT_EMBED_TEMPLATE, DEFAULT_EXCLUDE, type ParsedStage, type STAGE_TOOLS } from './stage-schema.ts';
import { expandVariants, readingPrimaryVariants, type StagePaths } from './stage-variants.ts';

/** Everything besides the file's contents that resolution needs. */
export interface ResolveContext {
  projectDir: string;
  configFile: string;
  /** The config file as shown in messages. */
  source: string;
  locate: Locate | undefined;
  providerOverride: string | undefined;
  env: Env;
}

type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/** Drops keys whose value is undefined, so optional fields are absent rather than present-but-undefined. */
function withoutUndefined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

const field = (context: ResolveContext, fieldPath: readonly PropertyKey[]): FieldRef => ({
  source: context.source,
  locate: context.locate,
  path: fieldPath,
});

async function resolveGenerationConfig(
  stage: ParsedStage,
  at: readonly PropertyKey[],
  context: ResolveContext,
): Promise<GenerationConfig> {
  const { responseJsonSchemaFile, thinkingConfig, ...rest } = withoutUndefined(stage.generationConfig);
  let responseJsonSchema: JsonObject | undefined = rest.responseJsonSchema;
  if (responseJsonSchemaFile !== undefined) {
    const where = field(context, [...at, 'generationConfig', 'responseJsonSchemaFile']);
    responseJsonSchema = (await readReferencedJsonObject(context.projectDir, responseJsonSchemaFile, where, 'a JSON Schema')).value;
  }
  const hasSchema = responseJsonSchema !== undefined || rest.responseSchema !== undefined;
  return {
    ...rest,
    ...(thinkingConfig === undefined ? {} : { thinkingConfig: withoutUndefined(thinkingConfig) }),
    ...(responseJsonSchema === undefined ? {} : { responseJsonSchema }),
    // Gemini ignores a response schema unless the MIME type asks for JSON.
    ...(hasSchema && rest.responseMimeType === undefined ? { responseMimeType: 'application/json' } : {}),
  };
}

function resolveInput(input: ParsedStageInput, projectDir: string): StageInput {
  if (input.kind === 'stage') return { ...input };
  return {
    ...input,
    dir: path.resolve(projectDir, input.dir),
    include: [...input.include],
    exclude: [...new Set([...DEFAULT_EXCLUDE, ...input.exclude])],
  };
}

/** What a stage takes from the project when it does not say: its model and its provider. */
interface StageDefaults {
  readonly model: string | undefined;
  readonly provider: ProviderName;
}

async function resolveStage(
  stage: ParsedStage,
  paths: StagePaths,
  defaults: StageDefaults,
  context: ResolveContext,
): Promise<StageConfig> {
  const { at } = paths;
  const { projectDir } = context;
  // An embedding stage without a prompt embeds the whole document.
  const prompt = stage.prompt ?? { template: DEFAULT_EMBED_TEMPLATE };
  const templateFile =
    prompt.file === undefined
      ? undefined
      : await readReferencedText(projectDir, prompt.file, field(context, [...paths.promptAt, 'prompt', 'file']));
  const system =
    prompt.systemFile === undefined
      ? prompt.system
      : (await readReferencedText(projectDir, prompt.systemFile, field(context, [...paths.promptAt, 'prompt', 'systemFile']))).text;
  const generationConfig = await resolveGenerationConfig(stage, paths.generationAt, context);
  const { schemaFile, schema, aliases, required, anyOf } = stage.validation;
  const validationSchema =
    schemaFile === undefined
      ? (schema ?? generationConfig.responseJsonSchema)
      : (await readReferencedJsonObject(projectDir, schemaFile, field(context, [...at, 'validation', 'schemaFile']), 'a JSON Schema'))
          .value;
  return {
    name: stage.name,
    provider: stage.provider ?? defaults.provider,
    // The schema guarantees a stage model or a project model.
    model: stage.model ?? defaults.model ?? '',
    task: stage.task,
    ...(stage.embedding === undefined ? {} : { embedding: withoutUndefined(stage.embedding) }),
    input: resolveInput(stage.input, projectDir),
    keyTemplate: stage.key,
    prompt: {
      template: templateFile?.text ?? prompt.template ?? '',
      ...(templateFile === undefined ? {} : { templateFile: templateFile.absolutePath }),
      ...(system === undefined ? {} : { system }),
    },
    generationConfig,
    validation: {
      ...(validationSchema === undefined ? {} : { schema: validationSchema }),
      aliases: Object.fromEntries(Object.entries(aliases).map(([name, variants]) => [name, [...variants]])),
      required: [...required],
      anyOf: anyOf.map((group) => [...group]),
    },
    output: {
      dir: path.resolve(projectDir, stage.output.dir ?? path.join('outputs', stage.name)),
      fileNameTemplate: stage.output.fileName,
    },
    maxAttempts: stage.maxAttempts,
    // A repair note would change the text an embedding embeds; a vector has nothing to repair.
    repairNote: stage.task === 'embed' ? false : stage.repairNote,
    batching: { ...stage.batching },
    maxInputTokens: stage.maxInputTokens,
    budget: withoutUndefined(stage.budget),
    ...(stage.canary === undefined ? {} : { canary: { ...stage.canary } }),
    ...(stage.context === undefined ? {} : { context: await resolveContext(stage.context, at, context) }),
    ...toolsOf(stage, validationSchema),
    documents: { ...stage.documents },
  };
}

/** The resolved stages of one config stage: itself, or one stage per variant (see stage-variants.ts). */
async function resolveStageVariants(stage: ParsedStage, index: number, defaults: StageDefaults, context: ResolveContext): Promise<StageConfig[]> {
  const resolved: StageConfig[] = [];
  for (const each of expandVariants(stage, index)) {
    const config = await resolveStage(each.stage, each.paths, defaults, context);
    resolved.push(each.variant === undefined ? config : { ...config, variant: each.variant });
  }
  return resolved;
}

/** The stage's neutral tools: its built-in tools, then its answer function (whose parameters are the validation schema). */
function toolsOf(stage: ParsedStage, validationSchema: Record<string, unknown> | undefined): { tools?: ToolSpec[] } {
  const tools: ToolSpec[] = (stage.tools ?? []).map((tool) => NEUTRAL_TOOLS[tool]);
  const answer = stage.answerFunction;
  if (answer !== undefined) {
    tools.push({
      kind: 'function',
      name: answer.name,
      ...(answer.description === undefined ? {} : { description: answer.description }),
      ...(validationSchema === undefined ? {} : { parameters: validationSchema }),
      answer: true,
    });
  }
  return tools.length === 0 ? {} : { tools };
}

/** The neutral tool of each tool name users write. */
const NEUTRAL_TOOLS: Readonly<Record<(typeof STAGE_TOOLS)[number], ToolSpec>> = {
  googleSearch: { kind: 'web-search' },
  urlContext: { kind: 'url-context' },
};

/** A stage's shared context with its files read: inline text first, then the files in their order. */
async function resolveContext(
  parsed: NonNullable<ParsedStage['context']>,
  at: readonly (string | number)[],
  context: ResolveContext,
): Promise<StageContext> {
  const pieces: ContextPart[] = [];
  if (parsed.text !== undefined) pieces.push({ kind: 'text', text: parsed.text, source: 'context.text' });
  for (const [index, file] of (parsed.files ?? []).entries()) {
    const read = await readReferencedText(context.projectDir, file, field(context, [...at, 'context', 'files', index]));
    pieces.push({ kind: 'text', text: read.text, source: file });
  }
  return { pieces, cache: parsed.cache, ...(parsed.expectedHours === undefined ? {} : { expectedHours: parsed.expectedHours }) };
}

async function resolveFaults(emulator: ParsedProjectConfig['emulator'], context: ResolveContext): Promise<FaultConfig> {
  if (emulator.faultsFile === undefined) return emulator.faults ?? faultConfigSchema.parse({});
  const where = field(context, ['emulator', 'faultsFile']);
  const file = await readReferencedJsonObject(context.projectDir, emulator.faultsFile, where, 'a fault script');
  const result = faultConfigSchema.safeParse(file.value, { reportInput: true });
  if (result.success) return result.data;
  throw issuesError(result.error.issues, {
    name: `${emulator.faultsFile} (emulator.faultsFile of ${context.source})`,
    schema: faultConfigSchema,
  });
}

/** The `prices` overrides, checked against the built-in table now so a bad entry names the config file. */
function resolvePrices(prices: ParsedProjectConfig['prices'], context: ResolveContext): Record<string, PriceOverride> {
  try {
    createPriceTable(prices);
  } catch (error) {
    throw new ConfigError(`invalid config: ${context.source}: ${errorMessage(error)}`, { cause: error });
  }
  return Object.fromEntries(Object.entries(prices).map(([model, price]) => [model, withoutUndefined(price)]));
}

/**
 * Throws ConfigError when two stages write to the same folder: their outputs could overwrite each other, and a
 * change in one stage would remove the other's current outputs.
 */
function checkDistinctOutputDirs(stages: readonly StageConfig[], source: string): void {
  const owners = new Map<string, string>();
  for (const stage of stages) {
    const other = owners.get(stage.output.dir);
    if (other !== undefined) {
      throw new ConfigError(
        `invalid config: ${source}: stages ${other} and ${stage.name} both write to ${displayPath(stage.output.dir)}: ` +
          'give each stage its own output.dir',
      );
    }
    owners.set(stage.output.dir, stage.name);
  }
}

/** Builds the resolved config, stages in topological order. Does not freeze it. */
export async function resolveProjectConfig(parsed: ParsedProjectConfig, context: ResolveContext): Promise<ProjectConfig> {
  const provider = resolveProvider(context.providerOverride, parsed.provider, context.source);
  const stages: StageConfig[] = [];
  const defaults = { model: parsed.model, provider };
  // Resolved in file order so errors name `stages[i]` as written; ordered afterwards.
  for (const [index, stage] of parsed.stages.entries()) stages.push(...(await resolveStageVariants(stage, index, defaults, context)));
  checkDistinctOutputDirs(stages, context.source);
  const access = (name: ProviderName) => resolveProviderAccess(name, parsed.gemini.baseUrl, context.env);
  const stageProviders = [...new Set(stages.map((stage) => stage.provider as ProviderName))].filter((name) => name !== provider);
  return {
    projectDir: context.projectDir,
    configFile: context.configFile,
    provider,
    ...access(provider),
    stageProviderAccess: Object.fromEntries(stageProviders.map((name) => [name, access(name)])),
    gemini: { apiVersion: parsed.gemini.apiVersion, uploadMimeType: parsed.gemini.uploadMimeType },
    emulator: {
      seed: parsed.emulator.seed,
      jobDurationMs: parsed.emulator.jobDurationMs,
      faults: await resolveFaults(parsed.emulator, context),
    },
    polling: { ...parsed.polling },
    resilience: { retry: { ...parsed.resilience.retry }, patienceMs: parsed.resilience.patienceMs },
    sharding: { ...parsed.sharding },
    prices: resolvePrices(parsed.prices, context),
    budget: withoutUndefined(parsed.budget),
    stages: topologicalOrder(readingPrimaryVariants(stages)),
  };
}
