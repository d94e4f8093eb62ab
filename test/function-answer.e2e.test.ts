/**
 * A function call as a stage's structured answer, end to end on the emulator: the stage declares `answerFunction`,
 * each request forces a call of it (toolConfig mode ANY), and each output is the call's arguments, validated by the
 * stage's schema like a JSON answer. Explicit caching holds the declaration and its toolConfig in the cache.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli } from './support/cli.ts';
import { makeProject, outputFiles } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

/** A project whose stage answers by calling `record_paper` with the schema.json arguments. */
function functionProject(count: number, extraStageYaml = ''): string {
  const project = makeProject({ count });
  const config = join(project, 'truebatch.config.yaml');
  const text = readFileSync(config, 'utf8').replace(
    '    generationConfig: { responseMimeType: application/json, responseJsonSchemaFile: schema.json }\n',
    '    validation: { schemaFile: schema.json }\n    answerFunction: { name: record_paper, description: Records the facts of one paper }\n',
  );
  writeFileSync(config, `${text}${extraStageYaml}`);
  return project;
}

interface ResultLine {
  key: string;
  response: { candidates: { content: { parts: { text?: string; functionCall?: { name: string; args: unknown } }[] } }[] };
}

/** The function call of each answer in the downloaded result files, by key. */
function callsByKey(project: string): Map<string, { name: string; args: unknown }> {
  const calls = new Map<string, { name: string; args: unknown }>();
  const dir = join(project, '.truebatch', 'results');
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').trim().split('\n')) {
      const result = JSON.parse(line) as ResultLine;
      const parts = result.response.candidates[0]?.content.parts ?? [];
      expect(parts.some((part) => part.text !== undefined)).toBe(false);
      const call = parts.find((part) => part.functionCall !== undefined)?.functionCall;
      if (call !== undefined) calls.set(result.key, call);
    }
  }
  return calls;
}

function expectOutputsEqualCalls(project: string, count: number): void {
  const calls = callsByKey(project);
  expect(calls.size).toBe(count);
  const outputsDir = join(project, 'outputs', 'extract');
  const outputs = outputFiles(outputsDir);
  expect(outputs).toHaveLength(count);
  for (const output of outputs) {
    const call = [...calls].find(([key]) => output.startsWith(`${key}_`));
    expect(call, `a call for ${output}`).toBeDefined();
    expect(call?.[1].name).toBe('record_paper');
    const args = call?.[1].args as { title: string; year: number; findings: string[] };
    expect(typeof args.title).toBe('string');
    expect(Number.isInteger(args.year)).toBe(true);
    expect(args.findings.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(outputsDir, output), 'utf8'))).toEqual(args);
  }
}

describe('a function call as the structured answer (end to end)', () => {
  it('forces a call of the declared function and keeps its validated arguments as each output', async () => {
    const project = functionProject(5);
    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code, run.stderr).toBe(0);
    expectOutputsEqualCalls(project, 5);
    expect(server.stats().batchesCreated).toBe(1);
  });

  it('puts the declaration and its toolConfig in the explicit cache when the stage context is cached', async () => {
    const project = functionProject(40);
    mkdirSync(join(project, 'context'));
    const sentence = 'Exchangeable potassium is extracted with 1 M ammonium acetate at pH 7 and reported in mg/kg. ';
    writeFileSync(join(project, 'context', 'codebook.md'), sentence.repeat(220));
    const config = join(project, 'truebatch.config.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}    context: { files: [context/codebook.md], expectedHours: 1 }\n`);
    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code, run.stderr).toBe(0);
    expect(server.stats()).toMatchObject({ cachesCreated: 1, cachesDeleted: 1, cachesLive: 0 });
    expectOutputsEqualCalls(project, 40);
  });

  it('refuses a response schema beside answerFunction, saying where', async () => {
    const project = functionProject(1, '    generationConfig: { responseMimeType: application/json }\n');
    const refused = await runCli(['plan', '--project', project], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('generationConfig.responseMimeType');
    expect(refused.stderr).toContain('cannot be combined with `answerFunction`');
  });
});
