import { describe, expect, it } from 'vitest';
import { placeholdersOf, stageSchema } from './stage-schema.ts';

const stage = (extra: Record<string, unknown>) => ({ name: 's', input: { dir: 'd' }, prompt: { template: 't' }, ...extra });
const messages = (value: unknown): string[] => {
  const result = stageSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('stageSchema', () => {
  it('finds placeholders', () => {
    expect(placeholdersOf('{id}_{stage}')).toEqual(['id', 'stage']);
  });

  it('checks key and file name templates', () => {
    expect(messages(stage({ key: '{stage}' }))).toEqual([
      'key: expected {id} in the template, or every document gets the same key',
    ]);
    expect(messages(stage({ key: '{id}_{doc}' }))).toEqual(['key: unknown placeholder {doc}; expected only {id}, {stage}']);
    expect(messages(stage({ output: { fileName: 'out/{key}.json' } }))).toEqual([
      'output.fileName: expected no `/` or `\\` (it names one file, not a path)',
    ]);
    expect(messages(stage({ output: { fileName: '{stage}.json' } }))[0]).toContain('expected {key} or {id}');
  });

  it('needs exactly one of prompt.file and prompt.template', () => {
    expect(messages(stage({ prompt: {} }))).toEqual(['prompt: expected exactly one of `file` (a path) or `template` (inline text)']);
    expect(messages(stage({ prompt: { file: 'a', template: 'b' } }))).toHaveLength(1);
  });

  it('allows only one response schema source', () => {
    const result = messages(stage({ generationConfig: { responseJsonSchema: {}, responseJsonSchemaFile: 'x.json' } }));
    expect(result).toEqual([
      'generationConfig: expected at most one of responseSchema, responseJsonSchema, responseJsonSchemaFile; got responseJsonSchema and responseJsonSchemaFile',
    ]);
  });

  it('refuses an alias variant claimed by two canonical names, and globs that leave the folder', () => {
    expect(messages(stage({ validation: { aliases: { a: ['x'], b: ['x'] } } }))).toEqual([
      'validation.aliases.b.0: `x` is already an alias of `a`; expected each variant to map to one canonical name',
    ]);
    expect(messages(stage({ input: { dir: 'd', include: ['../*.json'] } }))[0]).toContain('relative to input.dir');
  });
});
