/** @module Project config: find, parse, validate and resolve `truebatch.config.*`. The only code reading env/cwd. */
export { loadProjectConfig, type LoadProjectConfigOptions } from './load-project-config.ts';
export { validateConfigObject } from './validate-config.ts';
export { defineConfig } from './define-config.ts';
export { displayPath } from './display-path.ts';
export { CONFIG_FILE_NAMES } from './config-file.ts';
export {
  projectConfigSchema,
  PROVIDER_NAMES,
  MAX_BYTES_PER_JOB,
  type ProviderName,
  type ProjectConfigInput,
  type ParsedProjectConfig,
} from './config-schema.ts';
export { DEFAULT_EXCLUDE, DEFAULT_KEY_TEMPLATE, DEFAULT_OUTPUT_FILE_NAME, placeholdersOf } from './stage-schema.ts';
export { DEFAULT_INCLUDE } from './stage-input-schema.ts';
export { DEFAULT_MAX_INPUT_TOKENS } from './limits-schema.ts';
export { downstreamOf, upstreamOf } from './stage-graph.ts';
export type {
  BatchingConfig,
  BudgetConfig,
  CanaryConfig,
  FilesInput,
  GenerationConfig,
  JsonObject,
  ProjectConfig,
  StageConfig,
  StageContext,
  ContextPart,
  StageInput,
  StageOutputInput,
} from './config-types.ts';
export { apiKeyVariable, type Env } from './resolve-env.ts';
export { suggestKey } from './suggest-key.ts';
export { embeddingOptionsOf, generationOptionsOf } from './generation-options.ts';
