/**
 * @module The browser files the dashboard serves at `/assets/<name>`: htmx, its SSE extension and uPlot from their
 * installed packages (resolved, so they ship with truebatch and work offline, no CDN), and the dashboard's own CSS
 * and script (own-assets.ts: TypeScript strings, so the compiled package carries them without a copy step). A fixed list: nothing else on disk is reachable through this route.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DASHBOARD_CSS, DASHBOARD_JS } from './own-assets.ts';

const require = createRequire(import.meta.url);

/** Name → where its bytes come from, and its content type. */
const ASSETS: Record<string, { read: () => Buffer; type: string }> = {
  'htmx.min.js': { read: () => fromPackage('htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
  'sse.min.js': { read: () => fromPackage('htmx-ext-sse/dist/sse.min.js'), type: 'text/javascript' },
  'uPlot.iife.min.js': { read: () => fromPackage('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript' },
  'uPlot.min.css': { read: () => fromPackage('uplot/dist/uPlot.min.css'), type: 'text/css' },
  'dashboard.css': { read: () => Buffer.from(DASHBOARD_CSS), type: 'text/css' },
  'dashboard.js': { read: () => Buffer.from(DASHBOARD_JS), type: 'text/javascript' },
};

function fromPackage(specifier: string): Buffer {
  return readFileSync(require.resolve(specifier));
}

const loaded = new Map<string, { body: Buffer; type: string }>();

/** The asset called `name`, read once, or undefined when there is none by that name. */
export function asset(name: string): { body: Buffer; type: string } | undefined {
  const entry = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!entry) return undefined;
  let found = loaded.get(name);
  if (!found) loaded.set(name, (found = { body: entry.read(), type: entry.type }));
  return found;
}
