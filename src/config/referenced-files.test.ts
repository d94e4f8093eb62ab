import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldLabel, readReferencedJsonObject, readReferencedText, type FieldRef } from './referenced-files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-refs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const field: FieldRef = { source: 'cfg.yaml', locate: () => ({ line: 4, column: 11 }), path: ['stages', 0, 'prompt', 'file'] };

describe('fieldLabel', () => {
  it('names the file, the position and the path', () => {
    expect(fieldLabel(field)).toBe('cfg.yaml:4:11: stages[0].prompt.file');
    expect(fieldLabel({ ...field, locate: undefined })).toBe('cfg.yaml: stages[0].prompt.file');
  });
});

describe('readReferencedText', () => {
  it('reads relative to the project folder and strips a BOM', async () => {
    await writeFile(path.join(dir, 'p.md'), '\uFEFFHello {{document}}');
    expect(await readReferencedText(dir, 'p.md', field)).toEqual({ absolutePath: path.join(dir, 'p.md'), text: 'Hello {{document}}' });
  });

  it('names field and path for missing, folder and empty files', async () => {
    await expect(readReferencedText(dir, 'none.md', field)).rejects.toThrow(
      /^invalid config: cfg\.yaml:4:11: stages\[0\]\.prompt\.file: file none\.md \(resolved to .*none\.md\) does not exist/,
    );
    await mkdir(path.join(dir, 'folder'));
    await expect(readReferencedText(dir, 'folder', field)).rejects.toThrow(/stages\[0\]\.prompt\.file: folder .* is not a file/);
    await writeFile(path.join(dir, 'empty.md'), '  \n');
    await expect(readReferencedText(dir, 'empty.md', field)).rejects.toThrow(/file empty\.md .* is empty/);
  });
});

describe('readReferencedJsonObject', () => {
  it('parses an object and refuses arrays', async () => {
    await writeFile(path.join(dir, 's.json'), '{"type": "object"}');
    expect((await readReferencedJsonObject(dir, 's.json', field, 'a JSON Schema')).value).toEqual({ type: 'object' });
    await writeFile(path.join(dir, 'a.json'), '[1]');
    await expect(readReferencedJsonObject(dir, 'a.json', field, 'a JSON Schema')).rejects.toThrow(
      'a.json: expected a JSON Schema (a JSON object), got an array',
    );
  });
});
