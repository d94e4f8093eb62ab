import { describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDE } from '../config/index.ts';
import { createCorpusFilter } from './corpus-filter.ts';

describe('createCorpusFilter', () => {
  const filter = createCorpusFilter(['**/*.json'], [...DEFAULT_EXCLUDE, '**/drafts/**']);

  it('includes matching files at any depth, including dotted folders not excluded', () => {
    expect(filter.fileExclusion('a.json')).toBeUndefined();
    expect(filter.fileExclusion('x/y/z.json')).toBeUndefined();
  });

  it('names the exclude pattern that matched, before checking include', () => {
    expect(filter.fileExclusion('x/complete_dataset.json')).toBe('consolidation file (matches **/complete_dataset.json)');
    expect(filter.fileExclusion('soil_dataset.json')).toBe('consolidation file (matches **/*_dataset.json)');
    expect(filter.fileExclusion('.env.json')).toBe('hidden file (matches **/.*)');
    expect(filter.fileExclusion('drafts/a.json')).toBe('excluded (matches **/drafts/**)');
    expect(filter.fileExclusion('a.csv')).toBe('not matched by include (**/*.json)');
  });

  it('prunes whole folders that an exclude pattern covers', () => {
    expect(filter.folderExclusion('node_modules')).toBe('dependency folder (matches **/node_modules/**)');
    expect(filter.folderExclusion('a/.git')).toBe('hidden folder (matches **/.*)');
    expect(filter.folderExclusion('drafts')).toBe('excluded (matches **/drafts/**)');
    expect(filter.folderExclusion('papers')).toBeUndefined();
  });
});
