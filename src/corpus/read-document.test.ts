import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOf, readDocument, sniffFile } from './read-document.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(name: string, content: string, idField?: string) {
  await writeFile(path.join(dir, name), content);
  return readDocument({ path: name, absolutePath: path.join(dir, name) }, idField);
}

describe('formatOf', () => {
  it('maps extensions to formats', () => {
    expect(formatOf('a/b.JSON')).toBe('json');
    expect(formatOf('b.markdown')).toBe('markdown');
    expect(formatOf('b.csv')).toBe('text');
  });
});

describe('sniffFile', () => {
  it('knows a file by its first bytes and its name', async () => {
    await writeFile(path.join(dir, 'paper.txt'), '%PDF-1.7\n% the rest is never read\n');
    await writeFile(path.join(dir, 'notes.md'), '# Notes\n');
    expect(sniffFile({ path: 'paper.txt', absolutePath: path.join(dir, 'paper.txt') })).toEqual({ ok: true, format: 'pdf', mimeType: 'application/pdf' });
    expect(sniffFile({ path: 'notes.md', absolutePath: path.join(dir, 'notes.md') })).toEqual({ ok: true, format: 'markdown', mimeType: 'text/markdown' });
  });
});

describe('readDocument', () => {
  it('uses string and number idField values', async () => {
    expect(await read('a.json', '{"doi": "10.1/x-1"}', 'doi')).toMatchObject({ ok: false });
    expect(await read('b.json', '{"n": 42}', 'n')).toMatchObject({ ok: true, document: { id: '42' } });
    expect(await read('c.json', '{"n": " k7 "}', 'n')).toMatchObject({ ok: true, document: { id: 'k7' } });
  });

  it('refuses ids that cannot be file names and idField values that are not strings', async () => {
    expect(await read('d.json', '{"doi": "10.1/x"}', 'doi')).toEqual({
      ok: false,
      reason: 'id "10.1/x" contains `/`, `\\` or a control character; ids become file names',
    });
    expect(await read('e.json', '{"doi": {"a": 1}}', 'doi')).toEqual({ ok: false, reason: 'idField `doi` is an object; expected a string' });
    expect(await read('f.json', '{"doi": ""}', 'doi')).toEqual({ ok: false, reason: 'idField `doi` is empty' });
  });

  it('keeps the file stem for Markdown and text even with an idField', async () => {
    expect(await read('note.md', '# x', 'doi')).toMatchObject({ ok: true, document: { id: 'note', fields: { text: '# x' } } });
  });

  it('says what kind of JSON value a non-object is', async () => {
    expect(await read('s.json', '"just a string"')).toEqual({
      ok: false,
      reason: 'JSON is a string, not an object; a document must be one JSON object',
    });
    expect(await read('n.json', 'null')).toMatchObject({ reason: expect.stringContaining('JSON is null') });
  });

  it('reports an unreadable file as a reason, not an exception', () => {
    const result = readDocument({ path: 'gone.json', absolutePath: path.join(dir, 'gone.json') }, undefined);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('could not read the file') });
  });
});
