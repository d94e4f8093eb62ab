/**
 * @module A deterministic, streaming walk of an input folder: files in global path order (code-unit order of the
 * relative path), folders pruned by exclude patterns, symbolic links followed only on request and never out of
 * the folder.
 */
import type { Dirent, Stats } from 'node:fs';
import { opendir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, errorMessage } from '../shared/index.ts';
import type { CorpusFilter } from './corpus-filter.ts';

/** A file to read, or a path left out with its reason. */
export type WalkItem =
  | { kind: 'file'; path: string; absolutePath: string }
  | { kind: 'excluded' | 'invalid'; path: string; reason: string };

interface Entry {
  name: string;
  dirent: Dirent;
  /** The target's stats for a symlink (undefined when broken), the entry's own otherwise. */
  stats: Stats | undefined;
  isFolder: boolean;
}

const NOT_FOLLOWED = 'symbolic link, not followed (set input.followSymlinks: true to follow links inside the folder)';

async function statOrUndefined(target: string): Promise<Stats | undefined> {
  try {
    return await stat(target);
  } catch {
    return undefined;
  }
}

/**
 * The folder's entries in sort order, a plain file as just its name: a flat folder of a million files then costs
 * its names (~40 MB), not a million `Dirent`s and entries (several hundred MB). Read through `opendir` in large
 * chunks, so the whole listing is never held as `Dirent`s at once.
 */
async function sortedEntries(folder: string): Promise<(Entry | string)[]> {
  const entries: (Entry | string)[] = [];
  for await (const dirent of await opendir(folder, { bufferSize: 1024 })) {
    if (dirent.isFile()) {
      entries.push(dirent.name);
      continue;
    }
    const stats = dirent.isSymbolicLink() ? await statOrUndefined(path.join(folder, dirent.name)) : undefined;
    const isFolder = dirent.isDirectory() || (stats?.isDirectory() ?? false);
    entries.push({ name: dirent.name, dirent, stats, isFolder });
  }
  // A folder sorts as `name/`, so a depth-first walk visits paths in the same order as sorting all relative paths.
  const sortKey = (entry: Entry | string): string => (typeof entry === 'string' ? entry : entry.isFolder ? `${entry.name}/` : entry.name);
  return entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

const isInside = (root: string, candidate: string): boolean => {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Resolves a followed link; a reason to exclude it when its target is outside `realRoot`. */
async function resolveLinkTarget(linkPath: string, realRoot: string): Promise<{ real: string } | { reason: string }> {
  const real = await realpath(linkPath);
  if (isInside(realRoot, real)) return { real };
  return { reason: `symbolic link to ${await readlink(linkPath)}, which is outside the input folder` };
}

/**
 * Walks `root`, yielding files that pass `filter` and every path left out, with its reason.
 *
 * @throws ConfigError when `root` does not exist or is not a folder
 */
export async function* walkFiles(root: string, filter: CorpusFilter, followSymlinks: boolean): AsyncGenerator<WalkItem> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
    if (!(await stat(realRoot)).isDirectory()) throw new ConfigError(`input.dir ${root} is not a folder`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`input.dir ${root} does not exist or cannot be read: ${errorMessage(error)}`, { cause: error });
  }
  // Real folder path → where it was read, so a folder reached twice through links is read once.
  const visited = new Map<string, string>([[realRoot, '']]);
  const readAs = (relative: string): string => (relative === '' ? 'the input folder itself' : `${relative}/`);

  async function* visit(folder: string, relativeFolder: string): AsyncGenerator<WalkItem> {
    for (const listed of await sortedEntries(folder)) {
      const name = typeof listed === 'string' ? listed : listed.name;
      const relativePath = relativeFolder === '' ? name : `${relativeFolder}/${name}`;
      const absolutePath = path.join(folder, name);
      if (typeof listed === 'string') {
        const reason = filter.fileExclusion(relativePath);
        yield reason === undefined ? { kind: 'file', path: relativePath, absolutePath } : { kind: 'excluded', path: relativePath, reason };
        continue;
      }
      const entry = listed;
      const isLink = entry.dirent.isSymbolicLink();
      if (entry.isFolder) {
        const reason = filter.folderExclusion(relativePath);
        if (reason !== undefined) {
          yield { kind: 'excluded', path: `${relativePath}/`, reason };
          continue;
        }
        if (isLink && !followSymlinks) {
          yield { kind: 'excluded', path: `${relativePath}/`, reason: NOT_FOLLOWED };
          continue;
        }
        if (isLink || followSymlinks) {
          const target = await resolveLinkTarget(absolutePath, realRoot);
          if ('reason' in target) {
            yield { kind: 'excluded', path: `${relativePath}/`, reason: target.reason };
            continue;
          }
          const earlier = visited.get(target.real);
          if (earlier !== undefined) {
            yield { kind: 'excluded', path: `${relativePath}/`, reason: `same folder as ${readAs(earlier)}, already read` };
            continue;
          }
          visited.set(target.real, relativePath);
        }
        yield* visit(absolutePath, relativePath);
        continue;
      }
      const reason = filter.fileExclusion(relativePath);
      if (reason !== undefined) {
        yield { kind: 'excluded', path: relativePath, reason };
      } else if (isLink && entry.stats === undefined) {
        yield { kind: 'invalid', path: relativePath, reason: `broken symbolic link to ${await readlink(absolutePath)}` };
      } else if (isLink && !followSymlinks) {
        yield { kind: 'excluded', path: relativePath, reason: NOT_FOLLOWED };
      } else if (!(isLink ? entry.stats?.isFile() : entry.dirent.isFile())) {
        yield { kind: 'excluded', path: relativePath, reason: 'not a regular file' };
      } else if (isLink) {
        const target = await resolveLinkTarget(absolutePath, realRoot);
        yield 'reason' in target
          ? { kind: 'excluded', path: relativePath, reason: target.reason }
          : { kind: 'file', path: relativePath, absolutePath };
      } else {
        yield { kind: 'file', path: relativePath, absolutePath };
      }
    }
  }

  yield* visit(root, '');
}
