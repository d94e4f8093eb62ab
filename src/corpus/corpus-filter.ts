/** @module Include/exclude globs (picomatch, relative to the input folder) that say why a path is left out. */
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDE } from '../config/index.ts';

const DEFAULT_REASONS: Record<string, string> = {
  '**/complete_dataset.json': 'consolidation file',
  '**/*_dataset.json': 'consolidation file',
  '**/.*': 'hidden file',
  '**/node_modules/**': 'dependency folder',
};

/** Decides, for a relative posix path, whether it is excluded and why. */
export interface CorpusFilter {
  /** The reason a file is left out, or undefined if it is included. */
  fileExclusion(relativePath: string): string | undefined;
  /** The reason a whole folder is skipped (an exclude pattern matches it), or undefined to descend. */
  folderExclusion(relativePath: string): string | undefined;
}

/** Builds a filter; `exclude` is checked before `include`, and the first matching pattern is named. */
export function createCorpusFilter(include: readonly string[], exclude: readonly string[]): CorpusFilter {
  const options = { dot: true };
  const excluders = exclude.map((pattern) => ({ pattern, matches: picomatch(pattern, options) }));
  const includes = picomatch([...include], options);
  const describe = (pattern: string, kind: 'file' | 'folder'): string => {
    const known = DEFAULT_EXCLUDE.includes(pattern) ? DEFAULT_REASONS[pattern] : undefined;
    const label = known === undefined ? 'excluded' : known.replace('file', kind);
    return `${label} (matches ${pattern})`;
  };
  return {
    fileExclusion(relativePath) {
      const hit = excluders.find((excluder) => excluder.matches(relativePath));
      if (hit !== undefined) return describe(hit.pattern, 'file');
      return includes(relativePath) ? undefined : `not matched by include (${include.join(', ')})`;
    },
    folderExclusion(relativePath) {
      const hit = excluders.find((excluder) => excluder.matches(relativePath));
      return hit === undefined ? undefined : describe(hit.pattern, 'folder');
    },
  };
}
