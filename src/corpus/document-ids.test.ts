import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, type FilesInput } from '../config/index.ts';
import { DocumentIds, documentIdsFor } from './document-ids.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'truebatch-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const input = (idField?: string): FilesInput => ({
  kind: 'files', dir, include: [...DEFAULT_INCLUDE], exclude: [...DEFAULT_EXCLUDE], followSymlinks: false, ...(idField === undefined ? {} : { idField }),
});

describe('DocumentIds', () => {
  it('on a fresh scan, the first file in path order keeps an id; the next is refused, naming both, the id and the fix', () => {
    const ids = new DocumentIds();
    expect(ids.claim('note_00', 'note_00.md')).toBeUndefined();
    expect(ids.claim('note_00', 'note_00.txt')).toBe(
      'duplicate id `note_00`: already used by note_00.md, which keeps it (it comes first in path order); note_00.txt is not processed: ' +
        'rename one of them, or set input.idField to a JSON field that tells them apart',
    );
    expect(new DocumentIds({ idField: 'doi' }).claim('x', 'a.json')).toBeUndefined();
  });

  it('the file an earlier plan recorded keeps its id, even when a newcomer comes first in path order', () => {
    writeFileSync(path.join(dir, 'note_00.txt'), 'processed before');
    writeFileSync(path.join(dir, 'note_00.md'), 'the newcomer');
    const ids = documentIdsFor(input(), (id) => (id === 'note_00' ? 'note_00.txt' : undefined));
    expect(ids.claim('note_00', 'note_00.md')).toBe(
      'duplicate id `note_00`: already used by note_00.txt, which keeps it (an earlier run used it); note_00.md is not processed: ' +
        'rename one of them, or set input.idField to a JSON field that tells them apart',
    );
    expect(ids.claim('note_00', 'note_00.txt')).toBeUndefined();
    // A third file meets the keeper already claimed.
    expect(ids.claim('note_00', 'sub/note_00.json')).toMatch(/^duplicate id `note_00`: already used by note_00\.txt, which keeps it \(an earlier run used it\); sub\/note_00\.json/);
  });

  it('a recorded file that is gone, excluded, or now has another id gives its id up', () => {
    const gone = documentIdsFor(input(), () => 'renamed.txt');
    expect(gone.claim('renamed', 'renamed.md')).toBeUndefined();
    writeFileSync(path.join(dir, '.hidden.txt'), 'excluded now');
    expect(documentIdsFor(input(), () => '.hidden.txt').claim('x', 'x.md')).toBeUndefined();
    writeFileSync(path.join(dir, 'one.json'), JSON.stringify({ doi: 'new-doi' }));
    const byField = documentIdsFor(input('doi'), () => 'one.json');
    expect(byField.claim('old-doi', 'two.json')).toBeUndefined();
    writeFileSync(path.join(dir, 'three.json'), JSON.stringify({ doi: 'same' }));
    expect(documentIdsFor(input('doi'), () => 'three.json').claim('same', 'four.json')).toMatch(/already used by three\.json, .*: give one of them another `doi`$/);
  });
});
