/**
 * Honest exit codes and messages that generalise, through the real CLI against an emulator over HTTP: documents that
 * cannot become requests (exit 7), a rejected API key (exit 2, naming its variable), the unknown-model message naming
 * the config file that was loaded, and a wrong placeholder said once per stage.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.ts';
import { runCli } from './support/cli.ts';
import { emulatorPerTest, TEST_API_KEY } from './support/emulator.ts';
import { makeProject } from './support/project.ts';

const emulator = emulatorPerTest();

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('exit codes (end to end)', () => {
  it('a placeholder no document has: plan and run exit 7, said once per stage with a did-you-mean; status says it once too', async () => {
    const project = makeProject({ count: 30 });
    writeFileSync(join(project, 'prompt.md'), 'Title: {{titel}}\n\n{{document}}\n');
    const { server, env } = await emulator();
    const expected =
      'placeholder {{titel}} is missing from all 30 documents of stage extract (' +
      `${join(project, 'prompt.md')}): the template is probably wrong; did you mean {{title}}? The documents have: title, year, abstract`;

    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(ExitCode.invalidDocuments);
    expect(plan.stdout).toContain(`invalid extract: ${expected}`);
    expect(count(plan.stdout, '{{titel}}')).toBe(1);
    expect(plan.stdout).not.toContain('paper1.json');

    const planJson = JSON.parse((await runCli(['plan', '--project', project, '--json'], env)).stdout) as {
      invalid: unknown[];
      missingPlaceholders: { stage: string; placeholder: string; missingFrom: number; documents: number; suggestion: string; fields: string[] }[];
    };
    expect(planJson.invalid).toHaveLength(30);
    expect(planJson.missingPlaceholders).toEqual([
      expect.objectContaining({ stage: 'extract', placeholder: 'titel', missingFrom: 30, documents: 30, suggestion: 'title', fields: ['title', 'year', 'abstract'] }),
    ]);

    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(ExitCode.invalidDocuments);
    expect(server.stats().batchesCreated).toBe(0);
    expect(count(run.stderr, '{{titel}}')).toBe(1);
    expect(run.stdout).toContain('extract: 30 invalid document(s), not submitted:');
    expect(run.stdout).toContain(expected);
    expect(count(run.stdout, '{{titel}}')).toBe(1);

    const status = await runCli(['status', '--project', project], env);
    expect(status.code).toBe(ExitCode.ok);
    expect(status.stdout).toContain(expected);
    expect(count(status.stdout, '{{titel}}')).toBe(1);
    const statusJson = JSON.parse((await runCli(['status', '--project', project, '--json'], env)).stdout) as {
      stages: { missingPlaceholders: { placeholder: string; missingFrom: number }[]; corpusIssues: unknown[] }[];
    };
    expect(statusJson.stages[0]?.missingPlaceholders).toEqual([expect.objectContaining({ placeholder: 'titel', missingFrom: 30 })]);
    expect(statusJson.stages[0]?.corpusIssues).toHaveLength(30);
  });

  it('most documents lack it: said once, and the one document with another problem is still listed', async () => {
    const project = makeProject({ count: 10 });
    writeFileSync(join(project, 'prompt.md'), 'Title: {{titel}}\n\n{{document}}\n');
    writeFileSync(join(project, 'docs', 'paper3.json'), JSON.stringify({ titel: 'Has the field', year: 2003 }));
    writeFileSync(join(project, 'docs', 'paper4.json'), '{ "title": ');
    const { env } = await emulator();
    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(ExitCode.invalidDocuments);
    expect(plan.stdout).toContain('placeholder {{titel}} is missing from 8 of 10 documents of stage extract');
    expect(plan.stdout).toMatch(/invalid extract paper4\.json: malformed JSON/);
    expect(plan.stdout).not.toMatch(/invalid extract paper\d+\.json: document/);
  });

  it('a folder of broken PDFs refused with their reason: plan and run exit 7 and submit nothing', async () => {
    const project = makeProject({ count: 0 });
    for (let i = 1; i <= 3; i++) {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(8, 0), Buffer.from(`stream ${i}`)]);
      writeFileSync(join(project, 'docs', `scan${i}.pdf`), pdf);
    }
    const config = join(project, 'truebatch.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('input: { dir: docs }', "input: { dir: docs, include: ['**/*.pdf'] }"));
    const { server, env } = await emulator();
    const plan = await runCli(['plan', '--project', project], env);
    expect(plan.code).toBe(ExitCode.invalidDocuments);
    expect(plan.stdout).toContain('invalid extract scan1.pdf: truncated PDF (no %%EOF marker at its end): download or export it again (PDF, 25 bytes)');
    const run = await runCli(['run', '--project', project], env);
    expect(run.code).toBe(ExitCode.invalidDocuments);
    expect(run.stdout).toContain('extract: 3 invalid document(s), not submitted:');
    expect(server.stats().batchesCreated).toBe(0);
  });

  it("a downstream stage whose prompt names a field no upstream output has: run exits 7 and submits nothing for it", async () => {
    const project = makeProject({ count: 3 });
    const config = join(project, 'truebatch.config.yaml');
    const downstream = [
      '  - name: summarize',
      '    input: { stage: extract }',
      '    prompt: { template: "Summarise {{titel}}" }',
      '',
    ].join('\n');
    writeFileSync(config, readFileSync(config, 'utf8') + downstream);
    const { server, env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code, run.stderr).toBe(ExitCode.invalidDocuments);
    expect(run.stderr).toMatch(/\{\{titel\}\}|"titel"/);
    expect(Object.keys(server.stats().submissionsByKey).sort()).toEqual(['paper1_extract', 'paper2_extract', 'paper3_extract']);
  });

  it('a clean project still plans and runs with exit 0', async () => {
    const project = makeProject({ count: 2 });
    const { env } = await emulator();
    expect((await runCli(['plan', '--project', project], env)).code).toBe(ExitCode.ok);
    expect((await runCli(['run', '--project', project], env)).code).toBe(ExitCode.ok);
  });

  it('a rejected API key exits 2, naming the variable it came from and never the key', async () => {
    const project = makeProject({ count: 2 });
    const { server } = await emulator({ apiKey: TEST_API_KEY });
    const wrong = 'AIzaSy-wrong-key-not-this-one-42';
    for (const variable of ['GEMINI_API_KEY', 'GOOGLE_API_KEY']) {
      const result = await runCli(['run', '--project', project], { [variable]: wrong, GOOGLE_GEMINI_BASE_URL: server.url });
      expect(result.code, result.stderr).toBe(ExitCode.usage);
      expect(result.stderr).toContain('Gemini rejected the API key (uploadFile(');
      expect(result.stderr).toContain(`the key came from ${variable}`);
      expect(result.stderr).not.toContain(wrong);
      expect(result.stderr).not.toContain('unexpected');
    }
    expect(server.stats().batchesCreated).toBe(0);
  });

  it('the unknown-model message names the config file --config pointed at', async () => {
    const project = makeProject({ count: 1 });
    const other = join(project, 'other.yaml');
    writeFileSync(other, readFileSync(join(project, 'truebatch.config.yaml'), 'utf8').replace('model: gemini-2.5-flash', 'model: gemini-9-ultra'));
    rmSync(join(project, 'truebatch.config.yaml'));
    const { env } = await emulator();
    for (const command of ['plan', 'run']) {
      const result = await runCli([command, '--project', project, '--config', other], env);
      expect(result.code).toBe(ExitCode.usage);
      expect(result.stderr).toContain(`no price for model gemini-9-ultra: add it under prices in ${other} `);
      expect(result.stderr).not.toContain('truebatch.config.yaml');
    }
    expect(readdirSync(project)).not.toContain('outputs');
  });
});
