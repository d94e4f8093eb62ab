import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FilesInput, StageInput } from './config-types.ts';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { validateConfigObject } from './validate-config.ts';

function filesInput(input: StageInput): FilesInput {
  if (input.kind !== 'files') return expect.unreachable(`expected a files input, got a ${input.kind} input`);
  return input;
}

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
    expect(filesInput(one!.input).exclude).toEqual([
      '**/complete_dataset.json',
      '**/*_dataset.json',
      '**/.*',
      '**/node_modules/**',
      '**/draft-*.json',
    ]);
    expect(filesInput(two!.input).dir).toBe('/abs/in');
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

describe('resolveProjectConfig for multi-stage pipelines, limits and prices', () => {
  const stage = (name: string, input: unknown, extra: Record<string, unknown> = {}) => ({
    name,
    input,
    prompt: { template: 't' },
    ...extra,
  });
  const resolve = (raw: Record<string, unknown>) =>
    resolveProjectConfig(validateConfigObject({ provider: 'emulator', model: 'm', ...raw }, 'c.yaml'), context);

  it('orders stages upstream first and resolves a stage input', async () => {
    const config = await resolve({
      stages: [
        stage('score', { stage: 'summarise' }),
        stage('summarise', { stage: 'extract', withDocument: true }),
        stage('other', { dir: 'more' }),
        stage('extract', { dir: 'docs', idField: 'doi' }),
      ],
    });
    expect(config.stages.map((s) => s.name)).toEqual(['other', 'extract', 'summarise', 'score']);
    expect(config.stages[2]!.input).toEqual({ kind: 'stage', stage: 'extract', withDocument: true });
    expect(config.stages[3]!.input).toEqual({ kind: 'stage', stage: 'summarise', withDocument: false });
    expect(config.stages[1]!.input).toMatchObject({ kind: 'files', dir: path.join(dir, 'docs'), idField: 'doi' });
    // A stage reading another stage still gets its own output folder.
    expect(config.stages[3]!.output.dir).toBe(path.join(dir, 'outputs/score'));
  });

  it('refuses two stages writing to one output folder, however it is spelt', async () => {
    const stages = [stage('a', { dir: 'docs' }, { output: { dir: 'out' } }), stage('b', { stage: 'a' }, { output: { dir: './out/' } })];
    await expect(resolve({ stages })).rejects.toThrow(/^invalid config: c\.yaml: stages a and b both write to .*out: give each stage its own output\.dir$/);
    // The default folder is outputs/<stage>, so another stage may not take it either.
    await expect(resolve({ stages: [stage('a', { dir: 'docs' }), stage('b', { stage: 'a' }, { output: { dir: 'outputs/a' } })] })).rejects.toThrow(
      /stages a and b both write to/,
    );
  });

  it('resolves batching, maxInputTokens, budgets and canary, with defaults', async () => {
    const config = await resolve({
      budget: { maxUsd: 20 },
      stages: [
        stage('plain', { dir: 'docs' }),
        stage('tuned', { dir: 'docs' }, {
          batching: { minRequests: 100, maxWaitMs: 5000 },
          maxInputTokens: 32_000,
          budget: { maxUsd: 3 },
          canary: { size: 10, minValidRate: 0.9 },
        }),
      ],
    });
    const [plain, tuned] = config.stages;
    expect(config.budget).toEqual({ maxUsd: 20 });
    expect(config.prices).toEqual({});
    expect(plain).toMatchObject({ batching: { minRequests: 1, maxWaitMs: 0 }, maxInputTokens: 1_000_000, budget: {} });
    expect('canary' in plain!).toBe(false);
    expect('maxUsd' in plain!.budget).toBe(false);
    expect(tuned).toMatchObject({
      batching: { minRequests: 100, maxWaitMs: 5000 },
      maxInputTokens: 32_000,
      budget: { maxUsd: 3 },
      canary: { size: 10, minValidRate: 0.9 },
    });
  });

  it('keeps price overrides as given, and refuses one the price table cannot use, naming the config file', async () => {
    const prices = { 'gemini-2.5-flash': { inputPerMTok: 0.25 }, 'my-model': { inputPerMTok: 1, outputPerMTok: 3 } };
    expect((await resolve({ prices, stages: [stage('s', { dir: 'd' })] })).prices).toEqual(prices);
    await expect(resolve({ prices: { 'my-model': { inputPerMTok: 1 } }, stages: [stage('s', { dir: 'd' })] })).rejects.toThrow(
      /^invalid config: c\.yaml: prices\.my-model: my-model has no built-in price, so it needs at least inputPerMTok and outputPerMTok/,
    );
  });
});
