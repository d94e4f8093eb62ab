/** @module The running truebatch's version, read from its own package.json at run time. */
import { readFileSync } from 'node:fs';

/**
 * The `version` in the package.json two folders above this module: the package root both from source
 * (`src/cli/`) and when built (`dist/cli/`), so it is the installed package's own file wherever it is installed.
 */
export function packageVersion(packageJsonUrl: URL = new URL('../../package.json', import.meta.url)): string {
  const parsed: unknown = JSON.parse(readFileSync(packageJsonUrl, 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['version'] : undefined;
  if (typeof version !== 'string') throw new TypeError(`${packageJsonUrl.pathname} has no "version" string`);
  return version;
}
