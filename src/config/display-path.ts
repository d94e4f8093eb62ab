/** @module How paths appear in messages: relative to the working folder when inside it, else absolute. */
import path from 'node:path';

/** `absolutePath` as the user most likely typed it. */
export function displayPath(absolutePath: string): string {
  const relative = path.relative(process.cwd(), absolutePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolutePath;
}
