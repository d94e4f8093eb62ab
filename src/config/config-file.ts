/**
 * @module Finds a project's config file and parses it (YAML, JSON or TypeScript) into a raw value plus a way to
 * locate a config path in the file's text.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError, errorMessage, parseJsonText } from '../shared/index.ts';
import type { Locate } from './config-issues.ts';
import { displayPath } from './display-path.ts';
import { importTypeScriptConfig } from './typescript-config.ts';

/** The file names looked for in a project folder, in this order. */
export const CONFIG_FILE_NAMES = [
  'truebatch.config.yaml',
  'truebatch.config.yml',
  'truebatch.config.json',
  'truebatch.config.ts',
] as const;

/** A config file's parsed contents. */
export interface RawConfigFile {
  raw: unknown;
  /** Present for YAML files, whose nodes carry positions. */
  locate?: Locate;
}

async function isFile(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isFile();
  } catch {
    return false;
  }
}

/** The absolute config file: `configFile` (relative to `projectDir` unless absolute) or the one file found there. */
export async function findConfigFile(projectDir: string, configFile: string | undefined): Promise<string> {
  if (configFile !== undefined) {
    const given = path.resolve(projectDir, configFile);
    if (!(await isFile(given))) {
      throw new ConfigError(`config file ${displayPath(given)} (from --config ${configFile}) does not exist or is not a file`);
    }
    return given;
  }
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    if (await isFile(path.join(projectDir, name))) found.push(path.join(projectDir, name));
  }
  const [first, second] = found;
  if (first === undefined) {
    throw new ConfigError(
      `no config file in ${displayPath(projectDir)}: looked for ${CONFIG_FILE_NAMES.join(', ')}. ` +
        `Create ${path.join(displayPath(projectDir), 'truebatch.config.yaml')} with provider, model and stages ` +
        '(see examples/soil-k/truebatch.config.yaml), or pass --config <file>',
    );
  }
  if (second !== undefined) {
    throw new ConfigError(
      `more than one config file in ${displayPath(projectDir)} (${found.map((f) => path.basename(f)).join(', ')}); keep one, or pick one with --config`,
    );
  }
  return first;
}

function yamlLocator(document: ReturnType<typeof parseDocument>, lines: LineCounter): Locate {
  const at = (node: Node | undefined | null): { line: number; column: number } | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return (configPath, key) => {
    // A missing value is reported at its nearest ancestor that exists.
    for (let depth = configPath.length; depth >= 0; depth--) {
      const node = document.getIn(configPath.slice(0, depth), true) as Node | undefined;
      if (node === undefined || node === null) continue;
      if (key !== undefined && depth === configPath.length && isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
        if (pair !== undefined && isScalar(pair.key)) return at(pair.key);
      }
      return at(node);
    }
    return undefined;
  };
}

function parseYaml(text: string, shown: string): RawConfigFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position === undefined ? shown : `${shown}:${position.line}:${position.col}`;
    const what = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${where}: YAML syntax error: ${what}`);
  }
  return { raw: document.toJS() as unknown, locate: yamlLocator(document, lines) };
}

/** Reads and parses `file` by its extension; syntax errors name line and column. */
export async function readConfigFile(file: string): Promise<RawConfigFile> {
  const shown = displayPath(file);
  const extension = path.extname(file).toLowerCase();
  if (extension === '.ts' || extension === '.mts') return { raw: await importTypeScriptConfig(pathToFileURL(file).href, shown) };
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new ConfigError(`${shown}: unknown config file type \`${extension}\`; expected .yaml, .yml, .json or .ts`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${shown}: could not read the config file: ${errorMessage(error)}`, { cause: error });
  }
  if (extension === '.json') {
    const parsed = parseJsonText(text.replace(/^\uFEFF/, ''));
    if (!parsed.ok) {
      throw new ConfigError(`${shown}:${parsed.position.line}:${parsed.position.column}: JSON syntax error: ${parsed.message}`);
    }
    return { raw: parsed.value };
  }
  return parseYaml(text, shown);
}
