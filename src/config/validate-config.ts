/** @module Validates a raw config value against the schema; every problem becomes one line of a ConfigError. */
import { ConfigError } from '../shared/index.ts';
import type { Locate } from './config-issues.ts';
import { issuesError } from './config-issues.ts';
import { projectConfigSchema, type ParsedProjectConfig } from './config-schema.ts';

/**
 * Checks `raw` (a parsed config file) against the strict schema and applies defaults. Referenced files are not
 * read and paths are not resolved; {@link loadProjectConfig} does that.
 *
 * @param sourceName how the file is named in error messages
 * @param locate finds a config path's line and column in the source, when the format allows it
 * @throws ConfigError naming the file, the path inside it and what was expected, for every problem found
 */
export function validateConfigObject(raw: unknown, sourceName: string, locate?: Locate): ParsedProjectConfig {
  if (raw === null || raw === undefined) {
    throw new ConfigError(`invalid config: ${sourceName} is empty; expected provider, model and stages`);
  }
  const result = projectConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw issuesError(result.error.issues, {
    name: sourceName,
    schema: projectConfigSchema,
    ...(locate === undefined ? {} : { locate }),
  });
}
