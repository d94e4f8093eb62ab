import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findPlaceholders } from '../requests/index.ts';
import { tallyJsonFields } from './json-fields.ts';
import { CONFIG_PATH, PROMPT_PATH, renderProjectTemplate, SCHEMA_PATH, type ProjectTemplate } from './project-files.ts';

function fileText(template: ProjectTemplate, file: string): string {
  const found = template.files.find((candidate) => candidate.path === file);
  if (found === undefined) throw new TypeError(`no ${file}`);
  return found.text;
}

const longAbstract = 'Potassium. '.repeat(40);

describe('renderProjectTemplate', () => {
  const fields = tallyJsonFields([
    { title: 'A', year: 2020, abstract: longAbstract, doi: '10.1/a' },
    { title: 'B', year: 2021, abstract: longAbstract },
  ]);
  const json = renderProjectTemplate({ documents: { folder: 'papers', kind: 'json', files: ['a.json', 'b.json'] }, fields });

  it('writes the config, the prompt and the schema', () => {
    expect(json.files.map((file) => file.path)).toEqual([CONFIG_PATH, PROMPT_PATH, SCHEMA_PATH]);
  });

  it("uses as placeholders exactly the fields every JSON document has, short ones first", () => {
    expect(json.placeholders).toEqual(['title', 'year', 'abstract']);
    expect(findPlaceholders(fileText(json, PROMPT_PATH))).toEqual(['title', 'year', 'abstract']);
    expect(fileText(json, PROMPT_PATH)).toContain('title: {{title}}\nyear: {{year}}\n\nabstract:\n{{abstract}}\n');
  });

  it('writes a config on the emulator that names its files and says how to switch to gemini and why doi is left out', () => {
    const text = fileText(json, CONFIG_PATH);
    expect(parse(text)).toEqual({
      provider: 'emulator',
      model: 'gemini-2.5-flash',
      stages: [
        {
          name: 'extract',
          input: { dir: 'papers', include: ['**/*.json'] },
          prompt: { file: PROMPT_PATH },
          generationConfig: { temperature: 0.1, responseMimeType: 'application/json', responseJsonSchemaFile: SCHEMA_PATH },
          output: { dir: 'outputs/extract' },
          maxAttempts: 3,
        },
      ],
    });
    expect(text).toContain('set `provider: gemini` (or pass --provider gemini) and export GEMINI_API_KEY');
    expect(text).toContain('some documents lack them (a document missing a placeholder\'s field is invalid): doi.');
  });

  it('writes a schema asking for what the prompt asks', () => {
    const schema = JSON.parse(fileText(json, SCHEMA_PATH)) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['summary', 'key_points', 'keywords']);
    expect(schema.required).toEqual(['summary', 'key_points']);
    for (const name of Object.keys(schema.properties)) expect(fileText(json, PROMPT_PATH)).toContain(`\`${name}\``);
  });

  it('passes text documents, and JSON documents sharing no field, whole as {{document}}', () => {
    const text = renderProjectTemplate({ documents: { folder: 'documents', kind: 'text', files: ['a.md'] } });
    expect(findPlaceholders(fileText(text, PROMPT_PATH))).toEqual(['document']);
    expect(parse(fileText(text, CONFIG_PATH))).toMatchObject({ stages: [{ input: { dir: 'documents', include: ['**/*.txt', '**/*.md', '**/*.markdown'] } }] });
    const disjoint = renderProjectTemplate({
      documents: { folder: 'papers', kind: 'json', files: ['a.json', 'b.json'] },
      fields: tallyJsonFields([{ a: 1 }, { b: 2 }]),
    });
    expect(disjoint.placeholders).toEqual(['document']);
    expect(fileText(disjoint, CONFIG_PATH)).toContain('No field is in every document');
  });

  it('reads only the top level of the project folder itself, without its tool files', () => {
    const top = renderProjectTemplate({ documents: { folder: '.', kind: 'json', files: ['a.json'] }, fields: tallyJsonFields([{ a: 1 }]) });
    expect(parse(fileText(top, CONFIG_PATH))).toMatchObject({
      stages: [{ input: { dir: '.', include: ['*.json'], exclude: ['truebatch.config.json', 'package.json', 'package-lock.json', 'tsconfig.json'] } }],
    });
  });
});
