/**
 * @module Loads a `truebatch.config.ts` with tsx, so that `import { defineConfig } from 'truebatch'` works wherever
 * the project folder is: in a clone, beside a local install, or with truebatch installed globally.
 */
import { register } from 'node:module';
import path from 'node:path';
import { ConfigError, errorMessage } from '../shared/index.ts';

/**
 * The running truebatch's own entry module: `src/index.ts` when run from source, `dist/index.js` when built. Node
 * resolves a bare `truebatch` from the config file's folder, where no truebatch is installed when it runs globally.
 */
export const OWN_ENTRY_URL = new URL(`../index${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;

/**
 * The resolve hook, as module source. It maps `truebatch` to {@link OWN_ENTRY_URL}, and makes a `.ts` config
 * imported by this module an ES module: outside a `"type": "module"` package tsx would load it as CommonJS, whose
 * `require('truebatch')` no ESM hook sees on Node 20. The config is written with `import`/`export` anyway.
 */
function resolveHookSource(ownEntryUrl: string, loaderUrl: string): string {
  return `
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'truebatch') return { url: ${JSON.stringify(ownEntryUrl)}, shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  const fromLoader = context.parentURL !== undefined && context.parentURL.split('?')[0] === ${JSON.stringify(loaderUrl)};
  if (fromLoader && /\\.m?ts$/.test(new URL(resolved.url).pathname)) return { ...resolved, format: 'module' };
  return resolved;
}`;
}

// Registered once per process: hooks stay for the process's life, and one serves every config loaded.
const registration: { done: boolean } = { done: false };

function registerResolveHook(): void {
  if (registration.done) return;
  register(`data:text/javascript,${encodeURIComponent(resolveHookSource(OWN_ENTRY_URL, import.meta.url))}`);
  registration.done = true;
}

/** The config object a `.ts` config exports by default. */
export async function importTypeScriptConfig(fileUrl: string, shown: string): Promise<unknown> {
  let tsImport: (specifier: string, parentURL: string) => Promise<unknown>;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch (error) {
    throw new ConfigError(`${shown}: loading a .ts config needs the tsx package installed (${errorMessage(error)})`, {
      cause: error,
    });
  }
  registerResolveHook();
  let loaded: unknown;
  try {
    // The parent URL is this module's: the hook recognises the config by it.
    loaded = await tsImport(fileUrl, import.meta.url);
  } catch (error) {
    throw new ConfigError(`${shown}: could not load the TypeScript config: ${errorMessage(error)}`, { cause: error });
  }
  const exported = typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)['default'] : undefined;
  if (exported === undefined) {
    throw new ConfigError(`${shown}: expected a default export (export default defineConfig({ ... }))`);
  }
  return exported;
}
