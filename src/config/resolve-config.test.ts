import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { validateConfigObject } from './validate-config.ts';

let dir: string;
let context: ResolveContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-resolve-'));
  context = { projectDir: dir, configFile: path.join(dir, 'c.yaml'), source: 'c.yaml', locate: undefined, providerOverride: undefined, env: {} };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveProjectConfig', () => {
  it('merges default excludes, defaults the output folder and JSON MIME type, reads the system file', async () => {
    await mkdir(path.join(dir, 'schemas'));
    await writeFile(path.join(dir, 'schemas/s.json'), '{"type": "object", "required": ["a"]}');
    await writeFile(path.join(dir, 'sys.md'), 'Be precise.');
    const parsed = validateConfigObject(
      {
        provider: 'emulator',
        model: 'top-model',
        stages: [
          {
            name: 'one',
            input: { dir: 'docs', exclude: ['**/draft-*.json', '**/.*'] },
            prompt: { template: 'x', systemFile: 'sys.md' },
            generationConfig: { responseJsonSchemaFile: 'schemas/s.json', thinkingConfig: { thinkingBudget: 0 } },
          },
          { name: 'two', model: 'stage-model', input: { dir: '/abs/in' }, prompt: { template: 'y' }, validation: { schema: { type: 'object' } } },
        ],
      },
      'c.yaml',
    );
    const config = await resolveProjectConfig(parsed, context);
    const [one, two] = config.stages;
    expect(one!.model).toBe('top-model');
    expect(two!.model).toBe('stage-model');
    expect(one!.input.exclude).toEqual([
      '**/complete_dataset.json',
      '**/*_dataset.json',
      '**/.*',
      '**/node_modules/**',
      '**/draft-*.json',
    ]);
    expect(two!.input.dir).toBe('/abs/in');
    expect(one!.output).toEqual({ dir: path.join(dir, 'outputs/one'), fileNameTemplate: '{key}_{timestamp}.json' });
    expect(one!.prompt).toEqual({ template: 'x', system: 'Be precise.' });
    expect(one!.generationConfig).toEqual({
      responseJsonSchema: { type: 'object', required: ['a'] },
      responseMimeType: 'application/json',
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect('responseJsonSchemaFile' in one!.generationConfig).toBe(false);
    expect(one!.validation.schema).toEqual({ type: 'object', required: ['a'] });
    expect(two!.validation.schema).toEqual({ type: 'object' });
    expect(two!.generationConfig).toEqual({});
    expect(config.emulator.faults.lines.errorRate).toBe(0);
    expect(config.apiKey).toBeUndefined();
  });
});
