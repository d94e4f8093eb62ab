/** @module Reads the files a config refers to (prompts, schemas, faults), with errors naming the field and the path. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, errorMessage, parseJsonText } from '../shared/index.ts';
import { describeValue, formatPath, type Locate } from './config-issues.ts';
import { displayPath } from './display-path.ts';

/** Where a config field is: the config file, its position when known, and the field's path. */
export interface FieldRef {
  /** The config file as shown to the user. */
  source: string;
  locate: Locate | undefined;
  path: readonly PropertyKey[];
}

/** `file:line:col: path` for messages. */
export function fieldLabel(field: FieldRef): string {
  const position = field.locate?.(field.path);
  const where = position === undefined ? field.source : `${field.source}:${position.line}:${position.column}`;
  return `${where}: ${formatPath(field.path)}`;
}

/** A ConfigError about one field. */
export function fieldError(field: FieldRef, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(`invalid config: ${fieldLabel(field)}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** A file named by a config field, resolved against the project folder. */
export interface ReferencedFile {
  absolutePath: string;
  text: string;
}

/** Reads the UTF-8 text of `relative` (resolved against `projectDir`); missing, unreadable or empty is an error. */
export async function readReferencedText(projectDir: string, relative: string, field: FieldRef): Promise<ReferencedFile> {
  const absolutePath = path.resolve(projectDir, relative);
  const named = `${relative}${relative === absolutePath ? '' : ` (resolved to ${displayPath(absolutePath)})`}`;
  const isFile = await stat(absolutePath).then(
    (stats) => stats.isFile(),
    () => undefined,
  );
  if (isFile === undefined) {
    throw fieldError(field, `file ${named} does not exist; expected a path relative to the project folder`);
  }
  if (!isFile) throw fieldError(field, `${named} is not a file`);
  let text: string;
  try {
    text = (await readFile(absolutePath, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw fieldError(field, `could not read ${named}: ${errorMessage(error)}`, error);
  }
  if (text.trim() === '') throw fieldError(field, `file ${named} is empty`);
  return { absolutePath, text };
}

/** Reads a JSON file named by a config field; it must hold one JSON object. */
export async function readReferencedJsonObject(
  projectDir: string,
  relative: string,
  field: FieldRef,
  what: string,
): Promise<{ absolutePath: string; value: Record<string, unknown> }> {
  const { absolutePath, text } = await readReferencedText(projectDir, relative, field);
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    throw fieldError(
      field,
      `${relative}:${parsed.position.line}:${parsed.position.column}: JSON syntax error: ${parsed.message}`,
    );
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fieldError(field, `${relative}: expected ${what} (a JSON object), got ${describeValue(value)}`);
  }
  return { absolutePath, value: value as Record<string, unknown> };
}
