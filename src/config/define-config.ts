/** @module `defineConfig`: typed authoring of `truebatch.config.ts`. */
import type { ProjectConfigInput } from './config-schema.ts';

/**
 * Returns `config` unchanged; it exists so a `truebatch.config.ts` gets type checking and completion.
 *
 * @example
 * export default defineConfig({ provider: 'emulator', model: 'gemini-2.5-flash', stages: [ ... ] });
 */
export function defineConfig(config: ProjectConfigInput): ProjectConfigInput {
  return config;
}
