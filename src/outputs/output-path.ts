/**
 * @module Output file names from a template, and the check that a joined path stays inside its folder.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError, FilesystemError, InputError } from '../shared/index.ts';
import { safeFileStem } from './safe-file-stem.ts';

/** Values an output file name template may use. */
export interface OutputNameValues {
  key: string;
  id: string;
  stage: string;
  timestamp: Date;
}

/** Longest file name most file systems accept, in bytes. */
const MAX_FILE_NAME_BYTES = 255;

/** The last date formatted: a job's outputs all carry its finish time. */
let lastCompactUtc = { time: Number.NaN, text: '' };

/** A date as compact UTC, e.g. `20260101T000000Z`. */
export function compactUtc(date: Date): string {
  const time = date.getTime();
  if (time !== lastCompactUtc.time) {
    lastCompactUtc = { time, text: date.toISOString().replace(/\.\d+Z$/u, 'Z').replace(/[-:]/gu, '') };
  }
  return lastCompactUtc.text;
}

/**
 * Fills `{key}`, `{id}`, `{stage}` and `{timestamp}` (compact UTC) in `template`, each value made safe by
 * {@link safeFileStem}. The template itself may not contain a path separator or another placeholder
 * ({@link ConfigError}); a result longer than 255 bytes is an {@link InputError} for that key.
 * @example outputFileName('{id}.{stage}.json', { key, id: 'doc/1', stage: 'extract', timestamp })
 */
export function outputFileName(template: string, values: OutputNameValues): string {
  if (/[/\\]/u.test(template)) {
    throw new ConfigError(`output file name template "${template}" must not contain a path separator`);
  }
  const name = template.replace(/\{([^{}]*)\}/gu, (placeholder, field: string) => {
    switch (field) {
      case 'key':
      case 'id':
      case 'stage':
        return safeFileStem(values[field]);
      case 'timestamp':
        return compactUtc(values.timestamp);
      default:
        throw new ConfigError(
          `output file name template "${template}": unknown placeholder ${placeholder} ` +
            '(use {key}, {id}, {stage}, {timestamp})',
        );
    }
  });
  if (name === '' || name === '.' || name === '..') {
    throw new ConfigError(`output file name template "${template}" gives the unusable name "${name}"`);
  }
  if (Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) {
    throw new InputError(
      `request ${values.key}`,
      `output file name is ${Buffer.byteLength(name)} bytes, over the ${MAX_FILE_NAME_BYTES}-byte limit`,
    );
  }
  return name;
}

/**
 * `join(dir, fileName)`, after checking that the result lies strictly inside `dir`; otherwise
 * {@link FilesystemError} (defence in depth behind {@link safeFileStem}).
 */
export function resolveInside(dir: string, fileName: string): string {
  // A plain name (no separator or drive colon, not `.` or `..`) is inside by construction: only others are resolved.
  if (fileName !== '.' && fileName !== '..' && fileName !== '' && !/[/\\:]/u.test(fileName)) return join(dir, fileName);
  const fromDir = relative(resolve(dir), resolve(dir, fileName));
  if (fromDir === '' || fromDir === '..' || fromDir.startsWith(`..${sep}`) || isAbsolute(fromDir)) {
    throw new FilesystemError(`output file name "${fileName}" would be written outside ${dir}`);
  }
  return join(dir, fileName);
}
