import { describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE, stageInputSchema } from './stage-input-schema.ts';
import { configErrorMessage } from './test-support.ts';

const stage = (name: string, input: unknown) => ({ name, input, prompt: { template: 't' } });
const config = (...stages: unknown[]) => ({ provider: 'emulator', model: 'm', stages });

describe('stageInputSchema', () => {
  it('turns a dir input into a files input with defaults', () => {
    expect(stageInputSchema.parse({ dir: 'docs' })).toEqual({
      kind: 'files',
      dir: 'docs',
      include: [...DEFAULT_INCLUDE],
      exclude: [],
      followSymlinks: false,
    });
    expect(stageInputSchema.parse({ dir: 'd', include: ['*.md'], expectedCount: 3, idField: 'doi', followSymlinks: true })).toEqual({
      kind: 'files',
      dir: 'd',
      include: ['*.md'],
      exclude: [],
      expectedCount: 3,
      idField: 'doi',
      followSymlinks: true,
    });
  });

  it('turns a stage input into a stage input, withDocument false unless given', () => {
    expect(stageInputSchema.parse({ stage: ' extract ' })).toEqual({ kind: 'stage', stage: 'extract', withDocument: false });
    expect(stageInputSchema.parse({ stage: 'extract', withDocument: true })).toEqual({
      kind: 'stage',
      stage: 'extract',
      withDocument: true,
    });
  });
});

describe('stage input errors name file, path and expectation', () => {
  it('refuses dir and stage together, saying to use one or the other', () => {
    expect(configErrorMessage(config(stage('a', { dir: 'd', stage: 'b' }), stage('b', { dir: 'd' })))).toBe(
      'invalid config: my.config.yaml: stages[0].input: expected `dir` (a folder of documents) or `stage` ' +
        '(an upstream stage whose outputs are the documents), not both; use one or the other',
    );
  });

  it('refuses files keys on a stage input, one line per key', () => {
    const message = configErrorMessage(config(stage('a', { dir: 'd' }), stage('b', { stage: 'a', include: ['*.md'], expectedCount: 2 })));
    expect(message).toContain(
      'my.config.yaml: stages[1].input.include: `include` belongs to a `dir` input, but this input names a `stage`; use one or the other',
    );
    expect(message).toContain('my.config.yaml: stages[1].input.expectedCount: `expectedCount` belongs to a `dir` input');
  });

  it('refuses withDocument on a dir input', () => {
    expect(configErrorMessage(config(stage('a', { dir: 'd', withDocument: true })))).toBe(
      'invalid config: my.config.yaml: stages[0].input.withDocument: `withDocument` belongs to a `stage` input, ' +
        'but this input names a `dir`; use one or the other',
    );
  });

  it('needs dir or stage', () => {
    expect(configErrorMessage(config(stage('a', {})))).toBe(
      'invalid config: my.config.yaml: stages[0].input: missing; expected `dir` (a folder of documents) or `stage` ' +
        '(an upstream stage whose outputs are the documents)',
    );
    expect(configErrorMessage(config(stage('a', { stage: '' })))).toContain('stages[0].input.stage: expected a non-empty string');
  });

  it('suggests stage and withDocument for unknown keys', () => {
    const message = configErrorMessage(config(stage('a', { dir: 'd' }), stage('b', { stage: 'a', with_document: true })));
    expect(message).toBe('invalid config: my.config.yaml: stages[1].input.with_document: unknown key; did you mean `withDocument`?');
    expect(configErrorMessage(config(stage('a', { stag: 'b' })))).toContain('my.config.yaml: stages[0].input.stag: unknown key; did you mean `stage`?');
  });
});
