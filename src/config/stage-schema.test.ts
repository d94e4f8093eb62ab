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

  it('takes an embedding stage without a prompt, and refuses what means nothing to one', () => {
    const embed = { name: 'e', input: { dir: 'd' }, task: 'embed', embedding: { outputDimensionality: 768, taskType: 'RETRIEVAL_DOCUMENT' } };
    expect(messages(embed)).toEqual([]);
    expect(messages({ ...embed, embedding: { outputDimensionality: 4096 } })[0]).toMatch(/^embedding.outputDimensionality: /);
    expect(messages({ ...embed, generationConfig: { temperature: 0 } })).toEqual([
      'generationConfig: an embedding stage generates nothing; set `embedding.outputDimensionality` / `embedding.taskType` instead',
    ]);
    expect(messages({ ...embed, validation: { required: ['x'] } })).toEqual([
      'validation: an embedding stage has no JSON to validate (a vector of the right size is valid)',
    ]);
    expect(messages({ ...embed, prompt: { template: '{{title}}', system: 's' } })).toEqual([
      'prompt: an embedding stage takes no system text; expected only `file` or `template`',
    ]);
    expect(messages({ name: 's', input: { dir: 'd' } })).toEqual(['prompt: is required: give `file` (a path) or `template` (inline text)']);
    expect(messages(stage({ embedding: { outputDimensionality: 8 } }))).toEqual(['embedding: applies only to a stage with `task: embed`']);
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
