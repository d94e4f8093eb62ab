import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import { findConfigFile, readConfigFile } from './config-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-config-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readError(name: string, text: string): Promise<string> {
  await writeFile(path.join(dir, name), text);
  const error: unknown = await readConfigFile(path.join(dir, name)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe('findConfigFile', () => {
  it('finds the .yml variant and honours an absolute --config', async () => {
    await writeFile(path.join(dir, 'truebatch.config.yml'), 'a: 1\n');
    expect(await findConfigFile(dir, undefined)).toBe(path.join(dir, 'truebatch.config.yml'));
    const elsewhere = path.join(dir, 'other.json');
    await writeFile(elsewhere, '{}');
    expect(await findConfigFile('/nonexistent', elsewhere)).toBe(elsewhere);
  });
});

describe('readConfigFile', () => {
  it('names line and column of a YAML syntax error', async () => {
    const message = await readError('c.yaml', 'provider: emulator\nstages:\n  - name: [a,\n');
    expect(message).toMatch(/c\.yaml:\d+:\d+: YAML syntax error: /);
    expect(message).not.toMatch(/at line \d+, column \d+/);
  });

  it('reports duplicate YAML keys with their line', async () => {
    expect(await readError('d.yaml', 'model: a\nmodel: b\n')).toMatch(/d\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  });

  it('names line and column of a JSON syntax error', async () => {
    expect(await readError('c.json', '{\n  "provider": "emulator",\n}\n')).toMatch(/c\.json:3:1: JSON syntax error: /);
  });

  it('refuses unknown extensions and .ts files without a default export', async () => {
    expect(await readError('c.toml', 'x = 1')).toContain('expected .yaml, .yml, .json or .ts');
    expect(await readError('c.ts', 'export const config = {};\n')).toContain('expected a default export');
  });

  it('locates YAML values and keys', async () => {
    await writeFile(path.join(dir, 'l.yaml'), 'stages:\n  - name: s\n    generationConfig:\n      temperature: 3\n');
    const { raw, locate } = await readConfigFile(path.join(dir, 'l.yaml'));
    expect(raw).toEqual({ stages: [{ name: 's', generationConfig: { temperature: 3 } }] });
    expect(locate?.(['stages', 0, 'generationConfig', 'temperature'])).toEqual({ line: 4, column: 20 });
    expect(locate?.(['stages', 0, 'generationConfig'], 'temperature')).toEqual({ line: 4, column: 7 });
    // A missing value is placed at its nearest existing ancestor.
    expect(locate?.(['stages', 0, 'input', 'dir'])).toEqual({ line: 2, column: 5 });
  });
});
