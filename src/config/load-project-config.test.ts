import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/index.ts';
import type { FilesInput, StageInput } from './config-types.ts';
import { loadProjectConfig } from './load-project-config.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const soilK = path.join(repoRoot, 'examples/soil-k');

function filesInput(input: StageInput): FilesInput {
  if (input.kind !== 'files') return expect.unreachable(`expected a files input, got a ${input.kind} input`);
  return input;
}

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'truebatch-config-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const minimalYaml = `provider: emulator
model: gemini-2.5-flash
stages:
  - name: s1
    input: { dir: docs }
    prompt: { template: "Summarise {{document}}" }
`;

async function loadError(options: Parameters<typeof loadProjectConfig>[0]): Promise<ConfigError> {
  const error: unknown = await loadProjectConfig(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadProjectConfig on examples/soil-k', () => {
  it('resolves the stage, reads the prompt template and the response schema', async () => {
    const config = await loadProjectConfig({ projectDir: soilK, env: {} });
    expect(config.projectDir).toBe(soilK);
    expect(config.configFile).toBe(path.join(soilK, 'truebatch.config.yaml'));
    expect(config.provider).toBe('emulator');
    expect(config.stages.map((stage) => stage.name)).toEqual(['stage_1a', 'stage_2a']);
    const stage = config.stages[0]!;
    expect(stage.name).toBe('stage_1a');
    expect(stage.model).toBe('gemini-2.5-flash');
    const input = filesInput(stage.input);
    expect(input.dir).toBe(path.join(soilK, 'papers'));
    expect(input.expectedCount).toBe(24);
    expect(input.exclude).toContain('**/complete_dataset.json');
    expect(stage.keyTemplate).toBe('{id}_{stage}');
    expect(stage.prompt.template).toContain('{{document}}');
    expect(stage.prompt.template).toContain('{{title}}');
    expect(stage.prompt.templateFile).toBe(path.join(soilK, 'prompts/stage_1a.md'));
    expect(stage.generationConfig.responseJsonSchema?.['required']).toEqual([
      'paper_metadata',
      'research_methodology',
      'quantitative_findings',
      'conclusions',
    ]);
    expect(stage.validation.schema).toEqual(stage.generationConfig.responseJsonSchema);
    expect(stage.validation.aliases).toEqual({ quantitative_findings: ['key_findings', 'findings'] });
    expect(stage.validation.anyOf).toEqual([['quantitative_findings', 'research_methodology']]);
    expect(stage.output.dir).toBe(path.join(soilK, 'outputs/stage_1a'));
    expect(stage.maxAttempts).toBe(3);
    expect(config.emulator.jobDurationMs).toBe(1500);
    expect(config.emulator.faults.lines).toMatchObject({
      aliasRate: 0.25,
      aliases: { quantitative_findings: 'key_findings' },
      malformedRate: 0.15,
      maxSubmissionsPerKey: 1,
    });
  });

  it('returns a deeply frozen object', async () => {
    const config = await loadProjectConfig({ projectDir: soilK, env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    const input = filesInput(config.stages[0]!.input);
    expect(Object.isFrozen(input.include)).toBe(true);
    expect(Object.isFrozen(config.stages[0]!.generationConfig.responseJsonSchema)).toBe(true);
    expect(() => {
      input.include.push('x');
    }).toThrow(TypeError);
  });
});

describe('loadProjectConfig file discovery', () => {
  it('loads truebatch.config.json the same way as YAML', async () => {
    const yamlDir = await project({ 'truebatch.config.yaml': minimalYaml });
    const jsonDir = await project({
      'truebatch.config.json': JSON.stringify({
        provider: 'emulator',
        model: 'gemini-2.5-flash',
        stages: [{ name: 's1', input: { dir: 'docs' }, prompt: { template: 'Summarise {{document}}' } }],
      }),
    });
    const fromYaml = await loadProjectConfig({ projectDir: yamlDir, env: {} });
    const fromJson = await loadProjectConfig({ projectDir: jsonDir, env: {} });
    expect(fromJson.stages[0]!.prompt.template).toBe('Summarise {{document}}');
    expect(filesInput(fromJson.stages[0]!.input).dir).toBe(path.join(jsonDir, 'docs'));
    expect({ ...fromJson.stages[0]!, input: {}, output: {} }).toEqual({ ...fromYaml.stages[0]!, input: {}, output: {} });
  });

  it('resolves configFile relative to the project folder', async () => {
    const dir = await project({ 'conf/alt.yaml': minimalYaml });
    const config = await loadProjectConfig({ projectDir: dir, configFile: 'conf/alt.yaml', env: {} });
    expect(config.configFile).toBe(path.join(dir, 'conf/alt.yaml'));
  });

  it('says where it looked and how to create a config when there is none', async () => {
    const dir = await project({});
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toContain(dir);
    expect(error.message).toContain('truebatch.config.yaml, truebatch.config.yml, truebatch.config.json, truebatch.config.ts');
    expect(error.message).toMatch(/Create .*truebatch\.config\.yaml/);
    expect(error.message).toContain('--config');
  });

  it('refuses two config files in one folder', async () => {
    const dir = await project({ 'truebatch.config.yaml': minimalYaml, 'truebatch.config.json': '{}' });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toContain('truebatch.config.yaml, truebatch.config.json');
  });

  it('names a missing --config file and a missing project folder', async () => {
    const dir = await project({});
    expect((await loadError({ projectDir: dir, configFile: 'nope.yaml', env: {} })).message).toContain('nope.yaml');
    const missing = path.join(dir, 'absent');
    expect((await loadError({ projectDir: missing, env: {} })).message).toContain(`project folder ${missing}`);
  });
});

describe('loadProjectConfig precedence', () => {
  it('takes --provider over the file, and the key from GOOGLE_API_KEY before GEMINI_API_KEY', async () => {
    const dir = await project({ 'truebatch.config.yaml': minimalYaml });
    const config = await loadProjectConfig({
      projectDir: dir,
      providerOverride: 'gemini',
      env: { GOOGLE_API_KEY: '  google-key ', GEMINI_API_KEY: 'gemini-key' },
    });
    expect(config.provider).toBe('gemini');
    expect(config.apiKey).toBe('google-key');
    const fallback = await loadProjectConfig({ projectDir: dir, env: { GOOGLE_API_KEY: ' ', GEMINI_API_KEY: 'gemini-key' } });
    expect(fallback.apiKey).toBe('gemini-key');
    expect(fallback.provider).toBe('emulator');
  });

  it('takes gemini.baseUrl from the file over GOOGLE_GEMINI_BASE_URL', async () => {
    const env = { GOOGLE_GEMINI_BASE_URL: 'http://from-env:1' };
    const plain = await project({ 'truebatch.config.yaml': minimalYaml });
    expect((await loadProjectConfig({ projectDir: plain, env })).baseUrl).toBe('http://from-env:1');
    const withFile = await project({ 'truebatch.config.yaml': `gemini: { baseUrl: "http://from-file:2" }\n${minimalYaml}` });
    expect((await loadProjectConfig({ projectDir: withFile, env })).baseUrl).toBe('http://from-file:2');
  });

  it('requires a provider from the file or the flag, and never leaks the API key in errors', async () => {
    const secret = 'AIzaSySECRETSECRETSECRET';
    const dir = await project({ 'truebatch.config.yaml': minimalYaml.replace('provider: emulator\n', '') });
    const missing = await loadError({ projectDir: dir, env: { GOOGLE_API_KEY: secret } });
    expect(missing.message).toContain('truebatch.config.yaml');
    expect(missing.message).toContain('provider: missing; expected one of gemini, emulator, openai, openai-emulator, anthropic, anthropic-emulator');
    expect(missing.message).not.toContain(secret);
    const bad = await loadError({ projectDir: dir, providerOverride: 'vertex', env: { GOOGLE_API_KEY: secret } });
    expect(bad.message).toContain('--provider: expected one of gemini, emulator, openai, openai-emulator, anthropic, anthropic-emulator, got "vertex"');
    expect(bad.message).not.toContain(secret);
  });
});

describe('loadProjectConfig referenced files', () => {
  const stageWith = (extra: string): string => `provider: emulator
model: m
stages:
  - name: s1
    input: { dir: docs }
${extra}`;

  it.each([
    ['prompt.file', '    prompt: { file: prompts/missing.md }\n', 'stages[0].prompt.file'],
    ['prompt.systemFile', '    prompt: { template: t, systemFile: sys.md }\n', 'stages[0].prompt.systemFile'],
    [
      'responseJsonSchemaFile',
      '    prompt: { template: t }\n    generationConfig: { responseJsonSchemaFile: schemas/none.json }\n',
      'stages[0].generationConfig.responseJsonSchemaFile',
    ],
    [
      'validation.schemaFile',
      '    prompt: { template: t }\n    validation: { schemaFile: none.json }\n',
      'stages[0].validation.schemaFile',
    ],
  ])('a missing %s names the file, the field and the path', async (_label, extra, fieldPath) => {
    const dir = await project({ 'truebatch.config.yaml': stageWith(extra) });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toContain('truebatch.config.yaml:');
    expect(error.message).toContain(`${fieldPath}: file `);
    expect(error.message).toContain('does not exist');
  });

  it('reports a malformed schema file with its line and column', async () => {
    const dir = await project({
      'truebatch.config.yaml': stageWith('    prompt: { template: t }\n    validation: { schemaFile: bad.json }\n'),
      'bad.json': '{\n  "type": "object",\n  "required": [\n}\n',
    });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toContain('stages[0].validation.schemaFile: bad.json:4:1: JSON syntax error');
  });

  it('reads and validates emulator.faultsFile, naming the path inside it', async () => {
    const good = await project({
      'truebatch.config.yaml': `emulator: { faultsFile: faults.json }\n${minimalYaml}`,
      'faults.json': JSON.stringify({ lines: { errorRate: 0.5 } }),
    });
    const config = await loadProjectConfig({ projectDir: good, env: {} });
    expect(config.emulator.faults.lines.errorRate).toBe(0.5);
    expect(config.emulator.faults.output.shuffle).toBe(false);
    const bad = await project({
      'truebatch.config.yaml': `emulator: { faultsFile: faults.json }\n${minimalYaml}`,
      'faults.json': JSON.stringify({ lines: { erorRate: 0.5 } }),
    });
    const error = await loadError({ projectDir: bad, env: {} });
    expect(error.message).toContain('faults.json (emulator.faultsFile of');
    expect(error.message).toContain('lines.erorRate: unknown key; did you mean `errorRate`?');
  });
});

describe('loadProjectConfig multi-stage pipelines', () => {
  const pipeline = (secondInput: string): string => `provider: emulator
model: gemini-2.5-flash
budget: { maxUsd: 5 }
stages:
  - name: summarise
    input: ${secondInput}
    prompt: { template: "Summarise {{document}}" }
    batching: { minRequests: 50, maxWaitMs: 30000 }
  - name: extract
    input: { dir: docs }
    prompt: { template: "Extract {{document}}" }
`;

  it('loads a stage reading another stage, upstream first, frozen', async () => {
    const dir = await project({ 'truebatch.config.yaml': pipeline('{ stage: extract, withDocument: true }') });
    const config = await loadProjectConfig({ projectDir: dir, env: {} });
    expect(config.stages.map((stage) => stage.name)).toEqual(['extract', 'summarise']);
    expect(config.stages[1]!.input).toEqual({ kind: 'stage', stage: 'extract', withDocument: true });
    expect(config.stages[1]!.batching).toEqual({ minRequests: 50, maxWaitMs: 30_000 });
    expect(config.budget).toEqual({ maxUsd: 5 });
    expect(Object.isFrozen(config.stages[1]!.input)).toBe(true);
    expect(Object.isFrozen(config.prices)).toBe(true);
  });

  it('names the line of an unknown upstream stage, with a did-you-mean', async () => {
    const dir = await project({ 'truebatch.config.yaml': pipeline('{ stage: extrakt }') });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toBe(
      `invalid config: ${path.join(dir, 'truebatch.config.yaml')}:6:21: stages[0].input.stage: unknown stage \`extrakt\`; did you mean \`extract\`?`,
    );
  });

  it('names the line of a cycle and the stages in it', async () => {
    const dir = await project({
      'truebatch.config.yaml': pipeline('{ stage: extract }').replace('input: { dir: docs }', 'input: { stage: summarise }'),
    });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toContain('truebatch.config.yaml:6:21: stages[0].input.stage: cycle: summarise → extract → summarise');
  });

  it('names the line of a mixed input', async () => {
    const dir = await project({ 'truebatch.config.yaml': pipeline('{ dir: docs, stage: extract }') });
    const error = await loadError({ projectDir: dir, env: {} });
    expect(error.message).toMatch(/^invalid config: .*truebatch\.config\.yaml:6:12: stages\[0\]\.input: .*use one or the other$/);
  });
});
