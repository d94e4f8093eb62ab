import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, type FilesInput } from '../config/index.ts';
import type { CorpusEntry, Document } from './corpus-types.ts';
import { checkExpectedCount } from './expected-count.ts';
import { scanCorpus } from './scan-corpus.ts';

const soilKPapers = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/soil-k/papers');

let root: string;
let docs: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'truebatch-corpus-'));
  docs = path.join(root, 'docs');
  await mkdir(path.join(docs, 'sub'), { recursive: true });
  await mkdir(path.join(docs, 'node_modules'));
  await mkdir(path.join(root, 'outside'));
  const files: Record<string, string | Uint8Array> = {
    '.hidden.json': '{"a": 1}',
    'array.json': '[{"title": "one"}, {"title": "two"}]',
    'binary.txt': new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
    'bom.json': '\uFEFF{"title": "With BOM"}',
    'complete_dataset.json': '[]',
    'empty.json': '',
    'good.json': '{"title": "Good", "year": 2020}',
    'image.png': 'not really a png',
    'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    'malformed.json': '{\n  "title": "x",\n}\n',
    'node_modules/pkg.json': '{}',
    'notes.md': '# Notes\n\nSome text.\n',
    'plain.txt': 'Plain text.',
    'sub/good.json': '{"title": "Same stem"}',
    'whitespace.txt': '  \n\n',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(docs, name), content);
  await writeFile(path.join(root, 'outside/secret.json'), '{"secret": true}');
  await symlink('../outside/secret.json', path.join(docs, 'link-out.json'));
  await symlink('good.json', path.join(docs, 'link-in.json'));
  await symlink('missing-target.json', path.join(docs, 'broken-link.json'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const input = (extra: Partial<FilesInput> = {}): FilesInput => ({
  kind: 'files',
  dir: docs,
  include: [...DEFAULT_INCLUDE],
  exclude: [...DEFAULT_EXCLUDE],
  followSymlinks: false,
  ...extra,
});

async function collect(stageInput: FilesInput): Promise<CorpusEntry[]> {
  const entries: CorpusEntry[] = [];
  for await (const entry of scanCorpus(stageInput)) entries.push(entry);
  return entries;
}

const summary = (entry: CorpusEntry): [string, string, string] =>
  entry.kind === 'document' ? ['document', entry.document.path, entry.document.id] : [entry.kind, entry.path, entry.reason];

const NOT_FOLLOWED = 'symbolic link, not followed (set input.followSymlinks: true to follow links inside the folder)';

describe('scanCorpus on a folder with every kind of bad document', () => {
  it('yields good documents and every other file with its reason, in sorted order', async () => {
    expect((await collect(input())).map(summary)).toEqual([
      ['excluded', '.hidden.json', 'hidden file (matches **/.*)'],
      ['invalid', 'array.json', 'JSON is an array, not an object; a document must be one JSON object'],
      ['invalid', 'binary.txt', 'named .txt but a DOCX or other ZIP archive, which Gemini does not read: export it to PDF'],
      ['document', 'bom.json', 'bom'],
      ['invalid', 'broken-link.json', 'broken symbolic link to missing-target.json'],
      ['excluded', 'complete_dataset.json', 'consolidation file (matches **/complete_dataset.json)'],
      ['invalid', 'empty.json', 'empty file (0 bytes)'],
      ['document', 'good.json', 'good'],
      ['invalid', 'image.png', 'named .png but not a PNG image: check the file, or rename it'],
      [
        'invalid',
        'latin1.txt',
        'not valid UTF-8: byte 0xe9 at offset 3 (line 1, column 4); save the file as UTF-8',
      ],
      ['excluded', 'link-in.json', NOT_FOLLOWED],
      ['excluded', 'link-out.json', NOT_FOLLOWED],
      ['invalid', 'malformed.json', expect.stringMatching(/^malformed JSON at line 3, column 1: \S/)],
      ['excluded', 'node_modules/', 'dependency folder (matches **/node_modules/**)'],
      ['document', 'notes.md', 'notes'],
      ['document', 'plain.txt', 'plain'],
      [
        'invalid',
        'sub/good.json',
        'duplicate id `good`: already used by good.json, which keeps it (it comes first in path order); sub/good.json is not processed: ' +
          'rename one of them, or set input.idField to a JSON field that tells them apart',
      ],
      ['invalid', 'whitespace.txt', 'empty file (only whitespace, 4 bytes)'],
    ]);
  });

  it('follows links inside the folder on request, never out of it', async () => {
    const entries = (await collect(input({ followSymlinks: true }))).map(summary);
    expect(entries).toContainEqual(['document', 'link-in.json', 'link-in']);
    expect(entries).toContainEqual(['excluded', 'link-out.json', 'symbolic link to ../outside/secret.json, which is outside the input folder']);
  });

  it('fills in every document field', async () => {
    const documents = (await collect(input()))
      .filter((entry): entry is { kind: 'document'; document: Document } => entry.kind === 'document')
      .map((entry) => entry.document);
    const bom = documents.find((document) => document.id === 'bom')!;
    const bomBytes = Buffer.from('\uFEFF{"title": "With BOM"}');
    expect(bom).toEqual({
      id: 'bom',
      path: 'bom.json',
      absolutePath: path.join(docs, 'bom.json'),
      format: 'json',
      mimeType: 'application/json',
      fields: { title: 'With BOM' },
      text: '{"title": "With BOM"}',
      contentHash: createHash('sha256').update(bomBytes).digest('hex'),
      sizeBytes: bomBytes.length,
    });
    const notes = documents.find((document) => document.id === 'notes')!;
    expect(notes.format).toBe('markdown');
    expect(notes.fields).toEqual({ text: '# Notes\n\nSome text.\n' });
    expect(documents.find((document) => document.id === 'plain')!.format).toBe('text');
  });

  it('takes ids from idField and reports documents without it', async () => {
    const entries = (await collect(input({ include: ['good.json', 'bom.json', 'sub/*.json'], idField: 'title' }))).map(summary);
    expect(entries.filter((entry) => entry[0] !== 'excluded')).toEqual([
      ['document', 'bom.json', 'With BOM'],
      ['document', 'good.json', 'Good'],
      ['document', 'sub/good.json', 'Same stem'],
    ]);
    const missing = (await collect(input({ include: ['good.json'], idField: 'doi' }))).map(summary);
    expect(missing).toContainEqual(['invalid', 'good.json', 'idField `doi` is missing']);
  });

  it('applies the stage exclude patterns and names them', async () => {
    const entries = (await collect(input({ exclude: [...DEFAULT_EXCLUDE, 'sub/**'] }))).map(summary);
    expect(entries).toContainEqual(['excluded', 'sub/', 'excluded (matches sub/**)']);
  });

  it('is a ConfigError when the folder does not exist', async () => {
    await expect(collect(input({ dir: path.join(root, 'absent') }))).rejects.toThrow(/input\.dir .*absent does not exist/);
  });
});

describe('scanCorpus on examples/soil-k', () => {
  it('finds the 24 papers and excludes the consolidation file', async () => {
    const entries = await collect(input({ dir: soilKPapers, include: ['**/*.json'] }));
    const documents = entries.filter((entry) => entry.kind === 'document');
    expect(documents).toHaveLength(24);
    expect(entries.filter((entry) => entry.kind === 'invalid')).toEqual([]);
    expect(entries.filter((entry) => entry.kind === 'excluded')).toEqual([
      { kind: 'excluded', path: 'complete_dataset.json', reason: 'consolidation file (matches **/complete_dataset.json)' },
    ]);
    for (const entry of documents) {
      if (entry.kind !== 'document') continue;
      expect(Object.keys(entry.document.fields)).toEqual(
        expect.arrayContaining(['title', 'authors', 'year', 'journal', 'abstract', 'methods', 'results', 'conclusions', 'keywords']),
      );
    }
    expect(() => checkExpectedCount(24, documents.length, 'papers')).not.toThrow();
  });
});
