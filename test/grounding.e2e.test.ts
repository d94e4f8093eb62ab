/**
 * Grounding end to end on the emulator: a stage that gives the model Google Search keeps each answer's sources
 * beside its output, `lineage` prints them, and the search fee appears in `plan` and `report`. The same stage on a
 * 2.5 model (tools with a response schema) is refused at plan time with the reason.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli } from './support/cli.ts';
import { makeProject } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

function groundedProject(model: string): string {
  const project = makeProject({ count: 4 });
  const config = join(project, 'truebatch.config.yaml');
  writeFileSync(config, `${readFileSync(config, 'utf8').replace('model: gemini-2.5-flash', `model: ${model}`)}    tools: [googleSearch]\n`);
  return project;
}

describe('grounding with Google Search (end to end)', () => {
  it('keeps sources beside every output, prints them in lineage, and prices the search fee in plan and report', async () => {
    const project = groundedProject('gemini-3-flash-preview');
    const plan = await runCli(['plan', '--project', project, '--json'], {});
    expect(plan.code, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { stages: { searchFee?: unknown }[] }).stages[0]?.searchFee).toEqual({ requests: 4, usd: (4 * 14) / 1000 });
    expect((await runCli(['plan', '--project', project], {})).stdout).toContain('extract: web search fee up to $0.056 if all 4 request(s) search');

    const { env } = await emulator();
    const run = await runCli(['run', '--project', project], env);
    expect(run.code, run.stderr).toBe(0);
    const outputsDir = join(project, 'outputs', 'extract');
    const outputs = readdirSync(outputsDir).filter((name) => !name.endsWith('.sources.json'));
    expect(outputs).toHaveLength(4);
    for (const output of outputs) {
      const sources = JSON.parse(readFileSync(join(outputsDir, output.replace(/\.json$/, '.sources.json')), 'utf8')) as {
        grounding: { queries: string[]; sources: { uri: string; title: string }[]; supports: { text: string; sources: number[] }[] };
      };
      expect(sources.grounding.queries.length).toBeGreaterThan(0);
      expect(sources.grounding.sources.length).toBeGreaterThan(0);
      for (const source of sources.grounding.sources) expect(source.uri).toMatch(/^https?:\/\//);
      expect(sources.grounding.supports.length).toBeGreaterThan(0);
    }

    const lineage = await runCli(['lineage', '--project', project, join(outputsDir, outputs[0]!)], {});
    expect(lineage.code, lineage.stderr).toBe(0);
    expect(lineage.stdout).toMatch(/searched: .+/);
    expect(lineage.stdout).toMatch(/source 1: .+ <https?:\/\/.+>/);

    const report = await runCli(['report', '--project', project, '--json'], {});
    expect((JSON.parse(report.stdout) as { total: { searchFee?: unknown } }).total.searchFee).toEqual({ answers: 4, usd: (4 * 14) / 1000 });
    expect((await runCli(['report', '--project', project], {})).stdout).toContain('**Web search fee:** up to $0.056 for 4 grounded answer(s)');
  });

  it('refuses tools with a response schema on a 2.5 model at plan time, with the reason', async () => {
    const refused = await runCli(['plan', '--project', groundedProject('gemini-2.5-flash')], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('stage extract: gemini-2.5-flash cannot combine built-in tools (googleSearch) with a response schema');
  });
});
