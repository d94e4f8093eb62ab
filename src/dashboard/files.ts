/**
 * @module The only files the dashboard serves: output files of the project's stages. A path is resolved, symlinks
 * followed, and served only when it lands inside a stage's output folder; anything else (`..`, absolute paths,
 * links that leave the folder, the config, the ledger, the corpus) is not found.
 */
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DashboardContext } from './context.ts';

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** The real path of `path` when it is a file inside a stage's output folder, else undefined. */
export async function servableOutput(context: DashboardContext, path: string): Promise<string | undefined> {
  if (path.includes('\0')) return undefined;
  let real: string;
  try {
    real = await realpath(resolve(context.config.projectDir, path));
  } catch {
    return undefined;
  }
  for (const stage of context.config.stages) {
    let folder: string;
    try {
      folder = await realpath(stage.output.dir);
    } catch {
      continue;
    }
    if (inside(folder, real)) return real;
  }
  return undefined;
}

/** Up to `maxChars` of the output file at `path` (only if servable), or undefined when it is missing or not ours. */
export async function readOutput(context: DashboardContext, path: string, maxChars: number): Promise<string | undefined> {
  const real = await servableOutput(context, path);
  if (real === undefined) return undefined;
  const handle = await open(real, 'r');
  try {
    const buffer = Buffer.alloc(maxChars * 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
