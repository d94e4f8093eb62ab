/** @module Tests for safe file stems, including writing every stem as a real file. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../shared/index.ts';
import { MAX_STEM_BYTES, safeFileStem } from './safe-file-stem.ts';

const suffix = (name: string): string => `-${sha256Hex(name).slice(0, 8)}`;

describe('safeFileStem', () => {
  it('keeps names that are already safe, including unicode letters', () => {
    for (const name of ['doc-1', 'Paper_2024 v2', '研究.json', 'Ünïcödé', 'a.b.c', 'x'.repeat(MAX_STEM_BYTES)]) {
      expect(safeFileStem(name)).toBe(name);
    }
  });

  it('neutralises path traversal and separators', () => {
    expect(safeFileStem('../etc/passwd')).toBe(`__etc_passwd${suffix('../etc/passwd')}`);
    expect(safeFileStem('a/b')).toBe(`a_b${suffix('a/b')}`);
    expect(safeFileStem('a\\b')).toBe(`a_b${suffix('a\\b')}`);
    expect(safeFileStem('..')).toBe(`_${suffix('..')}`);
    expect(safeFileStem('.hidden')).toBe(`_hidden${suffix('.hidden')}`);
    for (const name of ['../etc/passwd', '..\\..\\win.ini', '/abs', 'a/../../b']) {
      const stem = safeFileStem(name);
      expect(stem).not.toMatch(/[/\\]/);
      expect(stem).not.toContain('..');
    }
  });

  it('prefixes Windows device names, with or without an extension, in any case', () => {
    expect(safeFileStem('CON')).toBe(`_CON${suffix('CON')}`);
    expect(safeFileStem('nul.txt')).toBe(`_nul.txt${suffix('nul.txt')}`);
    expect(safeFileStem('Com1.tar.gz')).toBe(`_Com1.tar.gz${suffix('Com1.tar.gz')}`);
    expect(safeFileStem('lpt9')).toBe(`_lpt9${suffix('lpt9')}`);
    expect(safeFileStem('console')).toBe('console');
    expect(safeFileStem('com10')).toBe('com10');
  });

  it('removes leading/trailing spaces and trailing dots, and replaces control and Windows-invalid characters', () => {
    expect(safeFileStem('  spaces  ')).toBe(`spaces${suffix('  spaces  ')}`);
    expect(safeFileStem('end.')).toBe(`end${suffix('end.')}`);
    expect(safeFileStem('a<b>c:d"e|f?g*h')).toBe(`a_b_c_d_e_f_g_h${suffix('a<b>c:d"e|f?g*h')}`);
    expect(safeFileStem('tab\there\nnul\u0000')).toBe(`tab_here_nul_${suffix('tab\there\nnul\u0000')}`);
    expect(safeFileStem('evil\u202Etxt.exe')).toBe(`evil_txt.exe${suffix('evil\u202Etxt.exe')}`);
    expect(safeFileStem('')).toBe(`_${suffix('')}`);
    expect(safeFileStem('   ')).toBe(`_${suffix('   ')}`);
  });

  it('cuts long ids to the byte limit without splitting characters, keeping them distinct', () => {
    const long = 'a'.repeat(400);
    expect(safeFileStem(long)).toBe(`${'a'.repeat(MAX_STEM_BYTES - 9)}${suffix(long)}`);
    const longer = `${long}b`;
    expect(safeFileStem(longer)).not.toBe(safeFileStem(long));
    const cjk = '研'.repeat(400);
    const stem = safeFileStem(cjk);
    expect(Buffer.byteLength(stem)).toBeLessThanOrEqual(MAX_STEM_BYTES);
    expect(stem).not.toContain('\uFFFD');
    expect(stem.startsWith('研'.repeat(47))).toBe(true);
  });

  it('keeps ids that sanitise alike distinct', () => {
    const ids = ['a/b', 'a\\b', 'a:b', 'a?b', 'a_b', 'CON', '_CON', ' x', 'x '];
    const stems = ids.map(safeFileStem);
    expect(new Set(stems).size).toBe(ids.length);
  });

  it('gives stems that really can be created as files in one folder, one per id', async () => {
    const ids = ['../etc/passwd', 'a/b', 'CON', 'nul.txt', '  spaces  ', '研究.json', 'x'.repeat(400), '.', '..', '*'];
    const dir = await mkdtemp(join(tmpdir(), 'truebatch-stems-'));
    try {
      for (const id of ids) await writeFile(join(dir, `${safeFileStem(id)}.json`), id);
      expect((await readdir(dir)).length).toBe(ids.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
