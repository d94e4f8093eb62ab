import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProjectConfig, type ResolveContext } from './resolve-config.ts';
import { configErrorMessage } from './test-support.ts';
import { validateConfigObject } from './validate-config.ts';

let dir: string;
let context: ResolveContext;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-answer-function-'));
  context = { projectDir: dir, configFile: path.join(dir, 'c.yaml'), source: 'c.yaml', locate: undefined, providerOverride: undefined, env: {} };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SCHEMA = { type: 'object', properties: { ph: { type: 'number' } }, required: ['ph'] };
const stageWith = (extra: Record<string, unknown>) => ({
  provider: 'emulator',
  model: 'gemini-2.5-flash',
  stages: [{ name: 'one', input: { dir: 'docs' }, prompt: { template: 'x' }, ...extra }],
});

describe('a stage that answers by function call (answerFunction)', () => {
  it('becomes a neutral answer function whose parameters are the validation schema, after the built-in tools', async () => {
    await writeFile(path.join(dir, 'schema.json'), JSON.stringify(SCHEMA));
    const parsed = validateConfigObject(
      stageWith({ validation: { schemaFile: 'schema.json' }, answerFunction: { name: 'record_ph', description: 'Records a pH' } }),
      'c.yaml',
    );
    const [stage] = (await resolveProjectConfig(parsed, context)).stages;
    expect(stage!.tools).toEqual([{ kind: 'function', name: 'record_ph', description: 'Records a pH', parameters: SCHEMA, answer: true }]);
    expect(stage!.validation.schema).toEqual(SCHEMA);
    expect(stage!.generationConfig).toEqual({});
  });

  it('refuses a function without a schema, a response format beside it, an embedding stage and a bad name, saying where', () => {
    expect(configErrorMessage(stageWith({ answerFunction: { name: 'f' } }))).toContain('needs `validation.schema` or `validation.schemaFile`');
    const withFormat = configErrorMessage(
      stageWith({ validation: { schema: SCHEMA }, answerFunction: { name: 'f' }, generationConfig: { responseMimeType: 'application/json', responseJsonSchema: SCHEMA } }),
    );
    expect(withFormat).toContain('generationConfig.responseMimeType');
    expect(withFormat).toContain('cannot be combined with `answerFunction`');
    expect(withFormat).toContain('remove responseMimeType, responseJsonSchema');
    expect(configErrorMessage(stageWith({ task: 'embed', answerFunction: { name: 'f' } }))).toContain('an embedding stage calls no function');
    expect(configErrorMessage(stageWith({ validation: { schema: SCHEMA }, answerFunction: { name: '9lives' } }))).toContain('expected a function name');
    expect(configErrorMessage(stageWith({ validation: { schema: SCHEMA }, answerFunction: { name: 'f', parameters: {} } }))).toContain('parameters');
  });
});
