/**
 * @module Turns zod issues into ConfigErrors that name the file, the line when known, the path inside the file and
 * what was expected, with "did you mean" suggestions for unknown keys.
 */
import type { z } from 'zod';
import { ConfigError, type TextPosition } from '../shared/index.ts';
import { knownKeysAt } from './schema-keys.ts';
import { suggestKey } from './suggest-key.ts';

/** Finds where a value (or, with `key`, one key of an object) is in the source file, when the format allows it. */
export type Locate = (path: readonly PropertyKey[], key?: string) => TextPosition | undefined;

/** Where the issues come from. */
export interface IssueSource {
  /** The file as shown to the user. */
  name: string;
  /** The schema that was applied, to list known keys. */
  schema: z.core.$ZodType;
  locate?: Locate;
}

/** `stages[0].generationConfig.temperature`; the empty path is `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** A short description of a value for "got …": `a string ("hot")`, `a number (3)`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case 'number':
    case 'boolean':
      return `a ${typeof value} (${String(value)})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function bound(issue: { origin: string; inclusive?: boolean }, word: 'at most' | 'at least', limit: unknown): string {
  const strict = word === 'at most' ? 'less than' : 'more than';
  const comparison = issue.inclusive === false ? strict : word;
  switch (issue.origin) {
    case 'array':
      return `expected ${comparison} ${String(limit)} item${limit === 1 ? '' : 's'}`;
    case 'string':
      return `expected ${comparison} ${String(limit)} character${limit === 1 ? '' : 's'}`;
    default:
      return `expected ${article(issue.origin)} ${comparison} ${String(limit)}`;
  }
}

function expectation(issue: z.core.$ZodIssue): string {
  const input = 'input' in issue ? issue.input : undefined;
  const got = input === undefined ? '' : `, got ${describeValue(input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `missing; expected ${article(issue.expected)}` : `expected ${article(issue.expected)}${got}`;
    case 'too_big':
      // Our own messages already say what was expected.
      return issue.message.startsWith('expected') ? `${issue.message}${got}` : `${bound(issue, 'at most', issue.maximum)}${got}`;
    case 'too_small':
      return issue.message.startsWith('expected') ? `${issue.message}${got}` : `${bound(issue, 'at least', issue.minimum)}${got}`;
    case 'invalid_value':
      return `${input === undefined ? 'missing; ' : ''}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'invalid_format':
      return `${issue.message.startsWith('expected') ? issue.message : `expected a ${issue.format}`}${got}`;
    default:
      return issue.message;
  }
}

function lineOf(source: IssueSource, path: readonly PropertyKey[], key?: string): string {
  const position = source.locate?.(path, key);
  const where = position === undefined ? source.name : `${source.name}:${position.line}:${position.column}`;
  return `${where}: ${formatPath(key === undefined ? path : [...path, key])}`;
}

/** One message line per problem (an unknown-keys issue gives one line per key). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], source: IssueSource): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(source.schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, known);
        const hint =
          suggestion !== undefined
            ? `did you mean \`${suggestion}\`?`
            : `expected one of ${known.map((k) => `\`${k}\``).join(', ')}`;
        lines.push(`${lineOf(source, issue.path, key)}: unknown key; ${hint}`);
      }
    } else {
      lines.push(`${lineOf(source, issue.path)}: ${expectation(issue)}`);
    }
  }
  return lines;
}

/** A ConfigError listing every problem, each naming file, position and path. */
export function issuesError(issues: readonly z.core.$ZodIssue[], source: IssueSource): ConfigError {
  const lines = describeIssues(issues, source);
  if (lines.length === 1) return new ConfigError(`invalid config: ${lines[0] ?? ''}`);
  return new ConfigError(`invalid config (${lines.length} problems):\n${lines.map((line) => `  - ${line}`).join('\n')}`);
}
