/** @module Tests for output file names and the inside-the-folder check. */
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, FilesystemError, InputError } from '../shared/index.ts';
import { compactUtc, outputFileName, resolveInside } from './output-path.ts';
import { safeFileStem } from './safe-file-stem.ts';

const values = {
  key: 'doc-1_extract',
  id: 'doc-1',
  stage: 'extract',
  timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
};

describe('outputFileName', () => {
  it('fills key, id, stage and a compact UTC timestamp', () => {
    expect(outputFileName('{id}.{stage}.{timestamp}.json', values)).toBe('doc-1.extract.20260102T030405Z.json');
    expect(outputFileName('{key}.json', values)).toBe('doc-1_extract.json');
    expect(compactUtc(new Date(Date.UTC(2026, 0, 1)))).toBe('20260101T000000Z');
  });

  it('passes each value through safeFileStem, so no value can add a path separator', () => {
    const hostile = { ...values, id: '../../etc/passwd', stage: 'a/b', key: 'k\\x' };
    const name = outputFileName('{id}-{stage}-{key}.json', hostile);
    expect(name).toBe(`${safeFileStem('../../etc/passwd')}-${safeFileStem('a/b')}-${safeFileStem('k\\x')}.json`);
    expect(name).not.toMatch(/[/\\]/);
  });

  it('rejects templates with separators, unknown placeholders or unusable results', () => {
    expect(() => outputFileName('{stage}/{id}.json', values)).toThrow(ConfigError);
    expect(() => outputFileName('{stage}\\{id}.json', values)).toThrow(/path separator/);
    expect(() => outputFileName('{id}-{attempt}.json', values)).toThrow(/\{attempt\}/);
    expect(() => outputFileName('..', values)).toThrow(ConfigError);
    expect(() => outputFileName('', values)).toThrow(ConfigError);
  });

  it('rejects a name over 255 bytes with the key', () => {
    const long = { ...values, id: 'x'.repeat(140), key: 'y'.repeat(140) };
    expect(() => outputFileName('{id}{key}.json', long)).toThrow(InputError);
    expect(() => outputFileName('{id}{key}.json', long)).toThrow(/yyyy.*bytes/);
  });
});

describe('resolveInside', () => {
  const dir = resolve('/srv/out');

  it('joins names that stay inside the folder', () => {
    expect(resolveInside(dir, 'a.json')).toBe(join(dir, 'a.json'));
    expect(resolveInside(dir, '..a.json')).toBe(join(dir, '..a.json'));
    expect(resolveInside(dir, `sub${sep}b.json`)).toBe(join(dir, 'sub', 'b.json'));
    expect(resolveInside('relative/out', 'c.json')).toBe(join('relative/out', 'c.json'));
  });

  it('rejects names that escape the folder or are the folder itself', () => {
    for (const name of ['../a.json', `..${sep}..${sep}etc${sep}passwd`, 'sub/../../a', '/etc/passwd', '', '.']) {
      expect(() => resolveInside(dir, name), name).toThrow(FilesystemError);
    }
    expect(() => resolveInside(dir, '../out-evil/a.json')).toThrow(/outside/);
  });
});
