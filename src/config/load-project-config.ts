/** @module The one entry point that turns a project folder into a resolved, frozen {@link ProjectConfig}. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, deepFreeze } from '../shared/index.ts';
import { findConfigFile, readConfigFile } from './config-file.ts';
import type { ProjectConfig } from './config-types.ts';
import { displayPath } from './display-path.ts';
import { resolveProjectConfig } from './resolve-config.ts';
import type { Env } from './resolve-env.ts';
import { validateConfigObject } from './validate-config.ts';

/** What {@link loadProjectConfig} needs. */
export interface LoadProjectConfigOptions {
  /** The project folder, relative to the working folder or absolute. */
  projectDir: string;
  /** A config file (relative to `projectDir` unless absolute). Default: the one `truebatch.config.{yaml,yml,json,ts}` there. */
  configFile?: string;
  /** `--provider`: wins over the file's `provider`. */
  providerOverride?: string;
  /** The environment (usually `process.env`); read for the API key and base URL only. */
  env: Env;
}

/**
 * Finds, parses, validates and resolves a project's config.
 *
 * Precedence, highest first:
 * - provider: `providerOverride` (`--provider`) > the file's `provider`; neither is an error.
 * - apiKey: `GOOGLE_API_KEY` > `GEMINI_API_KEY` (trimmed, empty = unset; the Gemini SDK's order). Never taken from
 *   the file and never included in any message.
 * - baseUrl: the file's `gemini.baseUrl` > `GOOGLE_GEMINI_BASE_URL` > undefined (the SDK's default endpoint).
 * - For `provider: openai`, apiKey is `OPENAI_API_KEY` and baseUrl `OPENAI_BASE_URL` instead (the OpenAI SDK's variables).
 * - everything else: the file > the schema's defaults.
 *
 * Paths in the file (input and output folders, prompt, schema and fault files) are relative to the project folder.
 * A stage's `input` is a folder (`dir`) or another stage's outputs (`stage`); the resolved `stages` are in
 * topological order (each after the stage it reads from, otherwise in the file's order).
 *
 * @throws ConfigError naming the file, the position and path inside it, and what was expected
 * @example
 * const config = await loadProjectConfig({ projectDir: 'examples/soil-k', env: process.env });
 */
export async function loadProjectConfig(options: LoadProjectConfigOptions): Promise<ProjectConfig> {
  const projectDir = path.resolve(process.cwd(), options.projectDir);
  const isDirectory = await stat(projectDir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new ConfigError(`project folder ${displayPath(projectDir)} does not exist or is not a folder`);
  const configFile = await findConfigFile(projectDir, options.configFile);
  const source = displayPath(configFile);
  const { raw, locate } = await readConfigFile(configFile);
  const parsed = validateConfigObject(raw, source, locate);
  const resolved = await resolveProjectConfig(parsed, {
    projectDir,
    configFile,
    source,
    locate,
    providerOverride: options.providerOverride,
    env: options.env,
  });
  // Cloned first so freezing never reaches objects a .ts config module still owns.
  return deepFreeze(structuredClone(resolved));
}
