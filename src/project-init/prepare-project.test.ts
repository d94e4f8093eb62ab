import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareProject } from './prepare-project.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function folderWith(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-prepare-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

describe('prepareProject', () => {
  it('tallies the JSON documents it can parse; a malformed one is left for plan to report', async () => {
    const project = await folderWith({
      'papers/a.json': '\uFEFF{"title": "A", "year": 1}',
      'papers/b.json': '{"title": "B"}',
      'papers/c.json': '{"title": ',
      'papers/d.json': '[1, 2]',
    });
    const prepared = await prepareProject(project);
    expect(prepared.fields?.documents).toBe(2);
    expect(prepared.template.placeholders).toEqual(['title']);
  });

  it('reads no fields of text documents', async () => {
    const prepared = await prepareProject(await folderWith({ 'a.txt': 'hello' }));
    expect(prepared.fields).toBeUndefined();
    expect(prepared.template.placeholders).toEqual(['document']);
  });

  it('refuses PDFs, asked for or found, and says what to do instead', async () => {
    const project = await folderWith({ 'papers/a.pdf': '%PDF-1.7', 'papers/b.pdf': '%PDF-1.7' });
    await expect(prepareProject(project)).rejects.toThrow(
      `${path.join(project, 'papers')}/ holds 2 PDF file(s): PDF documents are not supported yet. Export each PDF's text to a .txt file`,
    );
    await expect(prepareProject(project, 'pdf')).rejects.toThrow(/^--documents pdf: PDF documents are not supported yet\..*truebatch init --documents text$/);
  });
});
