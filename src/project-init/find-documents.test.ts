import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findDocuments } from './find-documents.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function folderWith(files: readonly string[]): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-find-documents-'));
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), file.endsWith('.json') ? '{}' : 'text');
  }
  return dir;
}

describe('findDocuments', () => {
  it('prefers papers/ and reads it recursively, skipping consolidation files and hidden files', async () => {
    const project = await folderWith(['papers/b.json', 'papers/sub/a.json', 'papers/complete_dataset.json', 'papers/.x.json', 'top.json']);
    expect(await findDocuments(project)).toEqual({ folder: 'papers', kind: 'json', files: ['b.json', 'sub/a.json'] });
  });

  it('falls back to documents/, then to the folder itself (top level only, without tool files)', async () => {
    expect(await findDocuments(await folderWith(['documents/n.md', 'documents/m.txt']))).toEqual({
      folder: 'documents',
      kind: 'text',
      files: ['m.txt', 'n.md'],
    });
    const top = await folderWith(['a.json', 'package.json', 'truebatch.config.json', 'outputs/extract/old.json', 'deep/b.json']);
    expect(await findDocuments(top)).toEqual({ folder: '.', kind: 'json', files: ['a.json'] });
  });

  it('takes the kind most files have, or the one asked for', async () => {
    const project = await folderWith(['papers/a.txt', 'papers/b.md', 'papers/c.json']);
    expect((await findDocuments(project)).kind).toBe('text');
    expect(await findDocuments(project, 'json')).toEqual({ folder: 'papers', kind: 'json', files: ['c.json'] });
  });

  it('recognises a folder of PDFs as pdf', async () => {
    expect(await findDocuments(await folderWith(['papers/a.pdf', 'papers/b.PDF', 'papers/notes.txt']))).toMatchObject({ kind: 'pdf', files: ['a.pdf', 'b.PDF'] });
  });

  it('names every folder it looked in when there are no documents', async () => {
    const project = await folderWith(['papers/readme.csv']);
    await expect(findDocuments(project)).rejects.toThrow(
      `no documents (.json, .txt, .md) found in ${path.join(project, 'papers')}/, ${path.join(project, 'documents')}/, ${project}/. ` +
        `Put your documents in ${path.join(project, 'papers')}/ and run truebatch init again`,
    );
    await expect(findDocuments(await folderWith(['papers/a.txt']), 'json')).rejects.toThrow(/no json documents \(\.json\) found/);
  });
});
