import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCorpusFilter } from './corpus-filter.ts';
import { walkFiles, type WalkItem } from './walk-files.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'truebatch-walk-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const all = createCorpusFilter(['**/*'], []);
async function walk(dir: string, follow: boolean): Promise<string[]> {
  const out: string[] = [];
  for await (const item of walkFiles(dir, all, follow)) out.push(describe_(item));
  return out;
}
const describe_ = (item: WalkItem): string => (item.kind === 'file' ? item.path : `${item.kind} ${item.path}: ${item.reason}`);

describe('walkFiles', () => {
  it('visits paths in sorted order of the whole relative path', async () => {
    await mkdir(path.join(root, 'a'));
    await mkdir(path.join(root, 'a-b'));
    for (const name of ['a/x.json', 'a.json', 'a-b/y.json', 'B.json', '_u.json']) await writeFile(path.join(root, name), '{}');
    // '-' < '.' < '/' < 'B' < '_': a folder sorts as `name/`.
    expect(await walk(root, false)).toEqual(['B.json', '_u.json', 'a-b/y.json', 'a.json', 'a/x.json']);
  });

  it('does not follow folder links unless asked, and never into a loop or outside', async () => {
    const inside = path.join(root, 'in');
    await mkdir(path.join(inside, 'real'), { recursive: true });
    await writeFile(path.join(inside, 'real/doc.json'), '{}');
    await mkdir(path.join(root, 'elsewhere'));
    await writeFile(path.join(root, 'elsewhere/other.json'), '{}');
    await symlink('real', path.join(inside, 'alias'));
    await symlink('..', path.join(inside, 'up'));
    await symlink('.', path.join(inside, 'self'));
    expect(await walk(inside, false)).toEqual([
      'excluded alias/: symbolic link, not followed (set input.followSymlinks: true to follow links inside the folder)',
      'real/doc.json',
      'excluded self/: symbolic link, not followed (set input.followSymlinks: true to follow links inside the folder)',
      'excluded up/: symbolic link, not followed (set input.followSymlinks: true to follow links inside the folder)',
    ]);
    expect(await walk(inside, true)).toEqual([
      'alias/doc.json',
      'excluded real/: same folder as alias/, already read',
      'excluded self/: same folder as the input folder itself, already read',
      'excluded up/: symbolic link to .., which is outside the input folder',
    ]);
  });
});
