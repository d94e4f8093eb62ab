/**
 * Multi-stage pipelines end to end: documents flow from stage to stage as soon as they are ready, edits re-run
 * exactly what they affect (proved with the emulator's per-key submission counts), identical work is reused, and
 * lineage answers where an output came from.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorPerTest } from './support/emulator.ts';
import { runCli } from './support/cli.ts';
import { makeProject, outputFiles, queryLedger } from './support/project.ts';

const emulator = emulatorPerTest({ pendingMs: 30 });

const SUMMARY_STAGE = [
  '  - name: summarize',
  '    input: { stage: extract }',
  '    prompt: { template: "Summarise the findings of {{title}} ({{year}}) as JSON.\\n\\n{{document}}" }',
  '    generationConfig: { responseMimeType: application/json, responseJsonSchema: { type: object, properties: { summary: { type: string } }, required: [summary] } }',
  '    maxAttempts: 2',
  '',
].join('\n');

/** A two-stage project: `extract` over docs/, then `summarize` over extract's outputs. */
function twoStageProject(options: { count?: number; extraYaml?: string; maxAttempts?: number } = {}): string {
  const project = makeProject(options);
  const configPath = join(project, 'truebatch.config.yaml');
  writeFileSync(configPath, readFileSync(configPath, 'utf8') + SUMMARY_STAGE);
  return project;
}

/** Which keys the emulator received between two snapshots of its per-key counts. */
function submittedSince(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter((key) => (after[key] ?? 0) > (before[key] ?? 0)).sort();
}

describe('multi-stage pipelines (end to end)', () => {
  it('runs both stages in batch jobs; an unchanged re-run submits nothing', async () => {
    const project = twoStageProject({ count: 4 });
    const { server, env } = await emulator();
    const first = await runCli(['run', '--project', project], env);
    expect(first.stderr).not.toContain('unexpected error');
    expect(first.code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'extract'))).toHaveLength(4);
    expect(outputFiles(join(project, 'outputs', 'summarize'))).toHaveLength(4);
    const jobs = queryLedger<{ stage: string; n: number }>(project, 'SELECT stage, COUNT(*) AS n FROM jobs GROUP BY stage ORDER BY stage');
    expect(jobs).toEqual([{ stage: 'extract', n: 1 }, { stage: 'summarize', n: 1 }]);
    expect(server.stats().generateContentCalls).toBe(0);

    const before = server.stats();
    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    expect(server.stats().batchesCreated).toBe(before.batchesCreated);
    expect(server.stats().filesUploaded).toBe(before.filesUploaded);
  });

  it('--stage on a stage whose upstream has never run is a usage error; once it has, --stage runs that stage alone', async () => {
    const project = twoStageProject({ count: 2 });
    const { server, env } = await emulator();
    for (const args of [['run'], ['plan'], ['run', '--provider', 'emulator']]) {
      const early = await runCli([...args, '--stage', 'summarize', '--project', project], env);
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('stage summarize takes its documents from extract, which has not been run in this project yet');
      expect(early.stderr).not.toContain('embedded emulator'); // the usage error comes before any provider starts
    }
    expect(server.stats().batchesCreated).toBe(0);
    expect((await runCli(['run', '--stage', 'extract', '--project', project], env)).code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'summarize'))).toHaveLength(0);
    expect((await runCli(['run', '--stage', 'summarize', '--project', project], env)).code).toBe(0);
    expect(outputFiles(join(project, 'outputs', 'summarize'))).toHaveLength(2);

    // An upstream that ran but refused every document has run: --stage on the next stage is no usage error.
    const refusing = twoStageProject({ count: 2 });
    const configPath = join(refusing, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('    maxAttempts: 3', '    maxInputTokens: 10\n    maxAttempts: 3'));
    await runCli(['run', '--stage', 'extract', '--project', refusing], env);
    expect(queryLedger<{ n: number }>(refusing, "SELECT COUNT(*) AS n FROM corpus_issues WHERE stage = 'extract'")[0]?.n).toBe(2);
    const after = await runCli(['run', '--stage', 'summarize', '--project', refusing], env);
    expect(after.stderr).not.toContain('has not been run');
    expect(after.code).toBe(0);
  });

  it('editing one document re-submits exactly its requests in both stages; editing a prompt re-runs only that stage', async () => {
    const project = twoStageProject({ count: 4 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);

    let before = server.stats().submissionsByKey;
    const docPath = join(project, 'docs', 'paper3.json');
    const paper = JSON.parse(readFileSync(docPath, 'utf8')) as { abstract: string };
    paper.abstract += ' A second season confirmed the response at 14 mg/kg.';
    writeFileSync(docPath, JSON.stringify(paper, null, 2));
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(submittedSince(before, server.stats().submissionsByKey)).toEqual(['paper3_extract', 'paper3_summarize']);
    // paper3's old outputs are gone: each folder holds exactly the outputs the ledger names, one per document.
    const recorded = (stage: string): string[] =>
      queryLedger<{ path: string }>(project, 'SELECT output_path AS path FROM requests WHERE stage = ? ORDER BY key', stage)
        .map((row) => basename(row.path));
    for (const stage of ['extract', 'summarize']) expect(outputFiles(join(project, 'outputs', stage)).sort()).toEqual(recorded(stage).sort());
    expect(recorded('extract')).toHaveLength(4);

    before = server.stats().submissionsByKey;
    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('Summarise the findings', 'Summarise the key findings'));
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    expect(submittedSince(before, server.stats().submissionsByKey)).toEqual(
      ['paper1_summarize', 'paper2_summarize', 'paper3_summarize', 'paper4_summarize'],
    );

    // Reverting the prompt needs no submission: the earlier answers for identical requests are reused.
    before = server.stats().submissionsByKey;
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('Summarise the key findings', 'Summarise the findings'));
    const reverted = await runCli(['run', '--project', project, '--json'], env);
    expect(reverted.code).toBe(0);
    expect(submittedSince(before, server.stats().submissionsByKey)).toEqual([]);
    const summary = JSON.parse(reverted.stdout) as { stages: { stage: string; cached: number; valid: number }[] };
    expect(summary.stages.find((stage) => stage.stage === 'summarize')).toMatchObject({ cached: 4, valid: 4 });
    for (const stage of ['extract', 'summarize']) expect(outputFiles(join(project, 'outputs', stage)).sort()).toEqual(recorded(stage).sort());
  });

  it('keeps documents whose upstream request was given up out of the next stage, and reports them', async () => {
    const project = twoStageProject({ count: 3, maxAttempts: 1 });
    const { server, env } = await emulator({ faults: { lines: { errorRate: 1, keyContains: 'paper2_extract' } } });
    const result = await runCli(['run', '--project', project, '--json'], env);
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout) as { stages: { stage: string; valid: number; givenUp: number; blockedByUpstream: number; requests: number }[] };
    expect(summary.stages).toMatchObject([
      { stage: 'extract', valid: 2, givenUp: 1 },
      { stage: 'summarize', valid: 2, requests: 2, blockedByUpstream: 1 },
    ]);
    expect(server.stats().submissionsByKey['paper2_summarize']).toBeUndefined();
    const status = await runCli(['status', '--project', project], env);
    expect(status.stdout).toMatch(/summarize: 1 document\(s\) never entered/);
  });

  it('lets a document enter the next stage as soon as its upstream output is valid', async () => {
    const project = twoStageProject({ count: 4 });
    // paper4's first answer fails, so its extract output comes a job later than the others'.
    const { env } = await emulator({ faults: { lines: { errorRate: 1, keyContains: 'paper4_extract', maxSubmissionsPerKey: 1 } } });
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const firstDownstream = queryLedger<{ at: number }>(project, "SELECT MIN(created_at) AS at FROM jobs WHERE stage = 'summarize'");
    const lastUpstream = queryLedger<{ at: number }>(project, "SELECT MAX(collected_at) AS at FROM jobs WHERE stage = 'extract'");
    expect(firstDownstream[0]?.at).toBeLessThan(lastUpstream[0]?.at ?? 0);
  });

  it('answers where an output came from and what depends on a document', async () => {
    const project = twoStageProject({ count: 2 });
    const { env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const [output] = outputFiles(join(project, 'outputs', 'summarize')).filter((name) => name.startsWith('paper1'));
    const lineage = await runCli(['lineage', join(project, 'outputs', 'summarize', output ?? ''), '--project', project, '--json'], env);
    expect(lineage.code).toBe(0);
    const provenance = JSON.parse(lineage.stdout) as {
      key: string;
      document: { id: string; path: string };
      upstream: { key: string; stage: string; attempts: { state: string }[] }[];
    };
    expect(provenance.key).toBe('paper1_summarize');
    expect(provenance.document).toMatchObject({ id: 'paper1', path: 'docs/paper1.json' });
    expect(provenance.upstream.map((parent) => parent.key)).toEqual(['paper1_extract']);
    expect(provenance.upstream[0]?.attempts[0]?.state).toBe('valid');
    const dependents = await runCli(['lineage', 'paper1', '--dependents', '--project', project], env);
    expect(dependents.stdout).toMatch(/extract\s+paper1_extract\s+valid/);
    expect(dependents.stdout).toMatch(/summarize\s+paper1_summarize\s+valid/);
    // An output path relative to the project folder works from anywhere; a target that names nothing is a usage error.
    const relative = await runCli(['lineage', join('outputs', 'summarize', output ?? ''), '--project', project], env);
    expect(relative.code).toBe(0);
    expect(relative.stdout).toMatch(/^summarize paper1_summarize: valid/);
    for (const args of [['outputs/summarize/nothing.json'], ['nobody', '--dependents']]) {
      const missing = await runCli(['lineage', ...args, '--project', project], env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/no (output file or request key matches|request comes from a document with id)/);
    }
  });

  it('rewrites outputs that went missing or were damaged from the ledger, without asking the provider again', async () => {
    const project = twoStageProject({ count: 4 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const extractDir = join(project, 'outputs', 'extract');
    const summarizeDir = join(project, 'outputs', 'summarize');
    const snapshot = (dir: string): Record<string, string> =>
      Object.fromEntries(outputFiles(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    const extracted = snapshot(extractDir);
    const summarized = snapshot(summarizeDir);
    const [lost, truncated] = Object.keys(extracted);
    const [edited] = Object.keys(summarized);
    rmSync(join(extractDir, lost ?? ''));
    writeFileSync(join(extractDir, truncated ?? ''), '');
    appendFileSync(join(summarizeDir, edited ?? ''), ' ');
    const before = server.stats();

    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toContain('extract: 2 missing or damaged output(s) rewritten from the ledger');
    expect(again.stdout + again.stderr).toContain('summarize: 1 missing or damaged output(s) rewritten from the ledger');
    expect(snapshot(extractDir)).toEqual(extracted);
    expect(snapshot(summarizeDir)).toEqual(summarized);
    // Nothing was sent: the restored upstream outputs are byte-identical, so no downstream request changed either.
    expect(server.stats().batchesCreated).toBe(before.batchesCreated);
    expect(server.stats().filesUploaded).toBe(before.filesUploaded);
  });

  it('rebuilds outputs in the new folder when the output folder moved in the config and the old one was deleted', async () => {
    const project = makeProject({ count: 3 });
    const { server, env } = await emulator();
    expect((await runCli(['run', '--project', project], env)).code).toBe(0);
    const oldDir = join(project, 'outputs', 'extract');
    const names = outputFiles(oldDir);
    const contents = names.map((name) => readFileSync(join(oldDir, name), 'utf8'));
    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, `${readFileSync(configPath, 'utf8')}    output: { dir: moved }\n`);
    rmSync(join(project, 'outputs'), { recursive: true });
    const before = server.stats();

    const again = await runCli(['run', '--project', project], env);
    expect(again.code).toBe(0);
    const newDir = join(project, 'moved');
    expect(outputFiles(newDir)).toEqual(names);
    expect(names.map((name) => readFileSync(join(newDir, name), 'utf8'))).toEqual(contents);
    const recorded = queryLedger<{ output_path: string }>(project, "SELECT output_path FROM requests WHERE state = 'valid' ORDER BY output_path");
    expect(recorded.map((row) => row.output_path)).toEqual(names.map((name) => join(newDir, name)));
    expect(server.stats().batchesCreated).toBe(before.batchesCreated);
  });

  it('refuses a cycle between stages', async () => {
    const project = twoStageProject({ count: 1 });
    const configPath = join(project, 'truebatch.config.yaml');
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('input: { dir: docs }', 'input: { stage: summarize }'));
    const result = await runCli(['run', '--project', project], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cycle: .*extract → summarize → extract|cycle: .*summarize → extract → summarize/);
  });
});
