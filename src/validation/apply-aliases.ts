/** @module Renames field-name variants to their canonical names, at every object depth, as warnings. */
import { ConfigError } from '../shared/index.ts';
import type { ValidationIssue } from './validation-types.ts';
import { appendPointer } from './json-pointer.ts';

/** Renames aliases in one value; returns the canonical value (the input is never mutated) and what it did. */
export type AliasRenamer = (value: unknown) => { value: unknown; issues: ValidationIssue[] };

/**
 * Compiles `canonical -> variants` into a renamer. Where the canonical name is absent, the first variant present
 * (in key order) takes its place; other variants beside a canonical name are dropped, and each change is noted.
 * Returns undefined when there is nothing to rename, so callers can skip the walk.
 */
export function compileAliases(aliases: Record<string, string[]>): AliasRenamer | undefined {
  const canonicalOf = new Map<string, string>();
  for (const [canonical, variants] of Object.entries(aliases)) {
    for (const variant of variants) {
      if (variant === canonical) continue;
      const earlier = canonicalOf.get(variant);
      if (earlier !== undefined && earlier !== canonical) {
        throw new ConfigError(`alias "${variant}" is listed for both "${earlier}" and "${canonical}"`);
      }
      canonicalOf.set(variant, canonical);
    }
  }
  for (const canonical of Object.keys(aliases)) {
    const other = canonicalOf.get(canonical);
    if (other !== undefined) {
      throw new ConfigError(`"${canonical}" is a canonical name and also an alias of "${other}"`);
    }
  }
  if (canonicalOf.size === 0) return undefined;
  return (value) => {
    const issues: ValidationIssue[] = [];
    return { value: renameIn(value, '', canonicalOf, issues), issues };
  };
}

function renameIn(
  value: unknown,
  pointer: string,
  canonicalOf: Map<string, string>,
  issues: ValidationIssue[],
): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((element: unknown, index) => {
      const renamed = renameIn(element, appendPointer(pointer, index), canonicalOf, issues);
      if (renamed !== element) changed = true;
      return renamed;
    });
    return changed ? out : value;
  }
  if (typeof value !== 'object' || value === null) return value;

  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [key, child] of Object.entries(source)) {
    const canonical = canonicalOf.get(key);
    if (canonical === undefined) {
      const renamed = renameIn(child, appendPointer(pointer, key), canonicalOf, issues);
      if (renamed !== child) changed = true;
      setOwn(out, key, renamed);
      continue;
    }
    changed = true;
    const from = appendPointer(pointer, key);
    const to = appendPointer(pointer, canonical);
    if (Object.hasOwn(source, canonical) || Object.hasOwn(out, canonical)) {
      issues.push({
        severity: 'warning',
        code: 'alias',
        path: from,
        message: `${from}: ignored, because ${to} is also present`,
      });
      continue;
    }
    issues.push({ severity: 'warning', code: 'alias', path: to, message: `${from}: renamed to ${canonical}` });
    setOwn(out, canonical, renameIn(child, to, canonicalOf, issues));
  }
  return changed ? out : value;
}

/** Plain assignment of `__proto__` would set the prototype instead of a field that JSON.parse made. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
